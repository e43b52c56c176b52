#!/usr/bin/env python3
"""Deterministic generator for the ClinicalAspire synthetic demo dataset.

Every sentence below was written for this project; no real patient data is used.
Records are either hand-written whole notes (FULL_NOTES) or an intro plus 1-4
hand-written sentences (CLAUSES). Labels are the OR of the sentence labels; a
record never combines two sentences that speak about the same feature, so a
negated/resolved/hypothetical mention can never contradict a positive one.

Usage: python3 generate_demo.py   (writes demo.jsonl and README.md next to this file)
"""
import json
import os
import random
import re
from collections import Counter

SEED = 20261127
N_COMPOSED = 300
HERE = os.path.dirname(os.path.abspath(__file__))

KEYS = ["visit_request", "psychological", "sleep", "appetite_loss", "seizure", "fatigue",
        "consciousness", "fever", "respiratory", "cost", "urinary", "pain", "gastrointestinal"]
K = dict(vis="visit_request", psy="psychological", slp="sleep", app="appetite_loss",
         sez="seizure", fat="fatigue", con="consciousness", fev="fever", res="respiratory",
         cst="cost", uri="urinary", pan="pain", gi="gastrointestinal")

# (register, positive features, mentioned-but-false features, phenomenon tags, fa, en)
# register: f = formal operator note, c = colloquial quoted speech of a relative.
# tags: neg = negated, rsv = resolved/past, hyp = hypothetical, q = question,
#       oth = another person's symptom, self = the caller's own symptom.
# English uses {He} {he} {His} {his} {him} for the patient.
CLAUSES = [
    # ---------------- pain
    ("f", "pan", "", "", "بیمار از درد شدید ناحیه کمر شکایت دارد.", "The patient complains of severe pain in the lower back."),
    ("f", "pan", "", "", "بیمار با وجود مصرف ترامادول 50 میلی‌گرم هر 8 ساعت همچنان درد دارد.", "Despite taking tramadol 50 mg every 8 hours, the patient still has pain."),
    ("f", "pan", "", "", "درد ناحیه شکم بیمار از دیروز تشدید شده است.", "The patient's abdominal pain has worsened since yesterday."),
    ("f", "pan", "", "", "بیمار از درد استخوان‌ها، به‌خصوص در پاها، شکایت دارد.", "The patient complains of bone pain, especially in the legs."),
    ("f", "pan", "", "", "شدت درد بیمار را 8 از 10 اعلام کردند.", "They rated the patient's pain intensity as 8 out of 10."),
    ("f", "pan", "", "", "بیمار از درد قفسه سینه در سمت راست شکایت دارد که با نفس عمیق بیشتر می‌شود.", "The patient complains of pain on the right side of the chest that gets worse with deep breaths."),
    ("c", "pan", "", "", "کمرش خیلی درد میکنه، شبا از درد ناله میکنه.", "{His} back hurts a lot; at night {he} moans from the pain."),
    ("c", "pan", "", "", "مورفین رو میزنیم ولی دردش آروم نمیشه.", "We give the morphine but {his} pain doesn't calm down."),
    ("c", "pan", "", "", "سرش درد میکنه، میگه انگار داره میترکه.", "{He} has a headache; {he} says it feels like it's going to burst."),
    ("c", "pan", "", "", "از پهلوش درد داره، دست نمیشه بهش زد.", "{He} has pain in {his} side; you can't even touch it."),
    ("c", "pan", "", "", "دردش کمتر شده ولی هنوز هست.", "{His} pain has eased but it is still there."),
    ("c", "pan", "", "", "پاش تیر میکشه، میگه مثل برق گرفتگیه.", "{His} leg has shooting pains; {he} says it's like an electric shock."),
    ("f", "", "pan", "neg", "بیمار در حال حاضر درد ندارد.", "The patient currently has no pain."),
    ("f", "", "pan", "rsv", "درد بیمار با مورفین 10 میلی‌گرم هر 4 ساعت برطرف شده است.", "The patient's pain has been relieved with morphine 10 mg every 4 hours."),
    ("f", "", "pan", "rsv", "درد قفسه سینه که هفته گذشته داشت، اکنون برطرف شده است.", "The chest pain {he} had last week has now resolved."),
    ("f", "", "pan", "q", "سؤال کردند در صورت بروز درد شدید چه مقدار مورفین می‌توان داد؟", "They asked how much morphine can be given if severe pain occurs."),
    ("c", "", "pan", "rsv", "دردش با مورفین خوب شده، دیگه درد نداره.", "{His} pain got better with the morphine; {he} has no pain anymore."),
    ("c", "", "pan", "neg", "درد نداره خداروشکر.", "{He} has no pain, thank God."),
    ("c", "", "pan", "self", "خودم کمرم از بس بلندش کردم درد گرفته.", "My own back hurts from lifting {him} so much."),
    ("c", "", "pan", "hyp", "اگه دردش زیاد شد میتونیم دو تا ترامادول بدیم؟", "If {his} pain gets worse, can we give two tramadol?"),
    # ---------------- gastrointestinal
    ("f", "gi", "", "", "بیمار از دیروز چندین بار استفراغ کرده است.", "The patient has vomited several times since yesterday."),
    ("f", "gi", "", "", "بیمار 5 روز است که اجابت مزاج نداشته است.", "The patient has not had a bowel movement for 5 days."),
    ("f", "gi", "", "", "بیمار دچار تهوع مداوم است و اندانسترون 8 میلی‌گرم اثر نکرده است.", "The patient has persistent nausea and ondansetron 8 mg has not helped."),
    ("f", "gi", "", "", "بیمار از اسهال شدید، روزانه 6 تا 7 بار، شکایت دارد.", "The patient complains of severe diarrhoea, 6 to 7 times a day."),
    ("f", "gi", "", "", "بیمار در بلع غذا مشکل دارد و غذا در گلویش گیر می‌کند.", "The patient has difficulty swallowing and food gets stuck in {his} throat."),
    ("f", "gi", "", "", "شکم بیمار نفخ دارد و دچار سکسکه‌های مکرر شده است.", "The patient's abdomen is bloated and {he} has developed frequent hiccups."),
    ("c", "gi", "", "", "هرچی میخوره بالا میاره.", "Whatever {he} eats, {he} throws up."),
    ("c", "gi", "", "", "شکمش باد کرده و سفت شده.", "{His} belly is bloated and has become hard."),
    ("c", "gi", "", "", "یبوست داره، لاکتولوز هم دادیم فایده نداشت.", "{He} is constipated; we gave lactulose too and it didn't help."),
    ("c", "gi", "", "", "حالت تهوع داره، دلش بهم میخوره.", "{He} feels nauseous; {his} stomach is turning."),
    ("c", "gi", "", "", "آب هم که میخوره میگه تو گلوش گیر میکنه، نمیتونه قورت بده.", "Even when {he} drinks water {he} says it gets stuck in {his} throat; {he} can't swallow."),
    ("f", "", "gi", "neg", "بیمار تهوع و استفراغ ندارد.", "The patient has no nausea or vomiting."),
    ("f", "", "gi", "rsv", "یبوست بیمار پس از مصرف لاکتولوز برطرف شده است.", "The patient's constipation resolved after taking lactulose."),
    ("f", "", "gi", "hyp", "پرسیدند اگر بیمار دوباره استفراغ کرد چه کنند؟", "They asked what to do if the patient vomits again."),
    ("f", "", "gi", "q", "آیا مورفین باعث یبوست می‌شود؟", "Does morphine cause constipation?"),
    ("c", "", "gi", "rsv", "دیگه استفراغ نمیکنه، از وقتی اندانسترون گرفته خوب شده.", "{He} doesn't vomit anymore; it got better since {he} started ondansetron."),
    ("c", "", "gi", "oth", "نوه‌اش اسهال گرفته، نگرانیم به اونم سرایت کنه.", "{His} grandchild has diarrhoea; we are worried {he} will catch it too."),
    ("c", "", "gi", "neg", "نه تهوع داره نه یبوست، اینا مشکلی نیست.", "{He} has neither nausea nor constipation; those are not a problem."),
    # ---------------- respiratory
    ("f", "res", "", "", "بیمار دچار تنگی نفس شدید است و اشباع اکسیژن 85 درصد گزارش شده است.", "The patient has severe shortness of breath and an oxygen saturation of 85 percent was reported."),
    ("f", "res", "", "", "بیمار سرفه‌های مکرر همراه با خلط دارد.", "The patient has frequent coughs with sputum."),
    ("f", "res", "", "", "بیمار هنگام راه رفتن دچار تنگی نفس می‌شود.", "The patient becomes short of breath when walking."),
    ("f", "res", "", "", "سطح اکسیژن خون بیمار پایین است (حدود 88 درصد).", "The patient's blood oxygen level is low (about 88 percent)."),
    ("f", "res", "", "", "بیمار در حالت خوابیده نفس کم می‌آورد و مجبور است نشسته بخوابد.", "The patient runs out of breath when lying down and has to sleep sitting up."),
    ("c", "res", "", "", "از دیشب نفسش بالا نمیاد.", "Since last night {he} can't catch {his} breath."),
    ("c", "res", "", "", "خس‌خس میکنه، نفس کشیدنش صدا میده.", "{He} is wheezing; {his} breathing makes a noise."),
    ("c", "res", "", "", "با اکسیژن هم نفسش تنگه.", "Even with oxygen {he} is short of breath."),
    ("c", "res", "", "", "سرفه امونش رو بریده، یه بند سرفه میکنه.", "The cough has worn {him} out; {he} coughs nonstop."),
    ("c", "res", "", "", "دستگاه اکسیژنو میزنیم عدد 82 رو نشون میده.", "We put the oxygen device on and it shows 82."),
    ("f", "", "res", "neg", "بیمار تنگی نفس ندارد.", "The patient has no shortness of breath."),
    ("f", "", "res", "q", "سؤال کردند آیا برای بیمار کپسول اکسیژن لازم است یا نه.", "They asked whether the patient needs an oxygen cylinder or not."),
    ("c", "", "res", "neg", "نفسش خوبه، سرفه هم نداره.", "{His} breathing is fine, and {he} has no cough."),
    ("c", "", "res", "rsv", "تنگی نفسش با اکسیژن‌ساز بهتر شده و الان راحت نفس میکشه.", "{His} shortness of breath improved with the oxygen concentrator and now {he} breathes easily."),
    ("c", "", "res", "self", "خودم سرما خوردم سرفه میکنم، میترسم بهش بدم.", "I caught a cold myself and I'm coughing; I'm afraid of passing it to {him}."),
    # ---------------- fever
    ("f", "fev", "", "", "بیمار از صبح تب دارد و دمای بدن 38.5 درجه اندازه‌گیری شده است.", "The patient has had a fever since morning and body temperature was measured at 38.5 degrees."),
    ("f", "fev", "", "", "بیمار دچار تب 39 درجه همراه با لرز است.", "The patient has a fever of 39 degrees with chills."),
    ("f", "fev", "", "", "تب بیمار از دو روز پیش ادامه دارد.", "The patient's fever has continued since two days ago."),
    ("c", "fev", "", "", "از دیشب تب کرده، بدنش داغه.", "{He} has had a fever since last night; {his} body is hot."),
    ("c", "fev", "", "", "تب و لرز داره.", "{He} has fever and chills."),
    ("c", "fev", "", "", "تبش پایین نمیاد، استامینوفن هم دادیم.", "{His} fever won't come down; we gave acetaminophen too."),
    ("c", "fev", "", "", "دماشو گرفتیم 38 و 2 دهم بود.", "We took {his} temperature and it was 38.2."),
    ("f", "", "fev", "neg", "بیمار تب ندارد.", "The patient has no fever."),
    ("f", "", "fev", "hyp", "همراه بیمار پرسید اگر تب کرد چه کنیم؟", "The patient's companion asked: if {he} gets a fever, what should we do?"),
    ("f", "", "fev", "oth", "همسر بیمار دچار تب و سرماخوردگی شده و نگران انتقال آن به بیمار است.", "The patient's spouse has a fever and a cold and is worried about passing it on to the patient."),
    ("c", "", "fev", "neg", "تب نداره، دماشو گرفتیم 36.8 بود.", "{He} doesn't have a fever; we took {his} temperature and it was 36.8."),
    ("c", "", "fev", "rsv", "دیروز یه کم تب داشت ولی امروز قطع شده.", "Yesterday {he} had a bit of a fever but today it has stopped."),
    ("c", "", "fev", "oth", "برادرش تب داره و نمیتونه بیاد پیشش.", "{His} brother has a fever and can't come to be with {him}."),
    # ---------------- fatigue
    ("f", "fat", "", "", "بیمار از ضعف و خستگی شدید شکایت دارد.", "The patient complains of severe weakness and fatigue."),
    ("f", "fat", "", "", "ضعف عمومی بیمار در چند روز اخیر افزایش یافته و قادر به راه رفتن نیست.", "The patient's general weakness has increased in the past few days and {he} is unable to walk."),
    ("f", "fat", "", "", "بیمار احساس بی‌حالی و ضعف در دست و پاها دارد.", "The patient feels listless and weak in the arms and legs."),
    ("f", "fat", "", "", "بیمار به دلیل خستگی بیشتر ساعات روز در بستر است.", "Because of fatigue, the patient is in bed most hours of the day."),
    ("c", "fat", "", "", "جون نداره از جاش بلند شه.", "{He} has no strength to get up from {his} place."),
    ("c", "fat", "", "", "خیلی ضعیف شده، تا دستشویی هم نمیتونه بره.", "{He} has become very weak; {he} can't even make it to the bathroom."),
    ("c", "fat", "", "", "همش خسته‌ست، حال هیچ کاری نداره.", "{He} is tired all the time and doesn't feel up to doing anything."),
    ("c", "fat", "", "", "پاهاش جون نداره، نمیتونه وایسه.", "{His} legs have no strength; {he} can't stand."),
    ("c", "fat", "", "", "دو قدم راه میره از پا میفته.", "{He} walks two steps and collapses from exhaustion."),
    ("f", "", "fat", "neg", "بیمار ضعف ندارد و کارهای شخصی خود را انجام می‌دهد.", "The patient has no weakness and does {his} own personal tasks."),
    ("f", "", "fat", "q", "پرسیدند آیا دگزامتازون باعث ضعف عضلات می‌شود؟", "They asked whether dexamethasone causes muscle weakness."),
    ("c", "", "fat", "rsv", "اون ضعف هفته پیش رفته، الان سرحاله.", "That weakness from last week is gone; now {he} is lively."),
    ("c", "", "fat", "self", "خودم دیگه خسته شدم، از پا افتادم.", "I myself am exhausted now; I'm worn out."),
    # ---------------- appetite
    ("f", "app", "", "", "بیمار اشتها ندارد و در طول روز فقط چند قاشق غذا می‌خورد.", "The patient has no appetite and eats only a few spoonfuls of food during the day."),
    ("f", "app", "", "", "بیمار دچار بی‌اشتهایی شدید است.", "The patient has severe loss of appetite."),
    ("f", "app", "", "", "میل به غذای بیمار از یک هفته پیش کاهش یافته است.", "The patient's desire for food has decreased since a week ago."),
    ("c", "app", "", "", "لب به غذا نمیزنه.", "{He} won't touch food."),
    ("c", "app", "", "", "هیچی نمیخوره، فقط یه کم آب میخوره.", "{He} doesn't eat anything; {he} only drinks a little water."),
    ("c", "app", "", "", "اشتهاش کور شده، به زور دو لقمه میخوره.", "{His} appetite is gone; {he} barely eats two bites."),
    ("c", "app", "", "", "غذا جلوش میذاریم پس میزنه، میگه میل ندارم.", "We put food in front of {him} and {he} pushes it away; {he} says {he} has no appetite."),
    ("f", "", "app", "rsv", "اشتهای بیمار پس از شروع دگزامتازون بهتر شده است.", "The patient's appetite has improved after starting dexamethasone."),
    ("f", "", "app", "q", "سؤال کردند بیمار چه غذاهایی می‌تواند بخورد.", "They asked what foods the patient can eat."),
    ("c", "", "app", "neg", "اشتهاش خوبه، غذاشو کامل میخوره.", "{His} appetite is good; {he} eats {his} whole meal."),
    ("c", "", "app", "hyp", "اگه غذا نخورد سرم لازمه؟", "If {he} doesn't eat, does {he} need an IV drip?"),
    # ---------------- sleep
    ("f", "slp", "", "", "بیمار دچار بی‌خوابی است.", "The patient has insomnia."),
    ("f", "slp", "", "", "بیمار شب‌ها چندین بار از خواب بیدار می‌شود.", "The patient wakes up several times at night."),
    ("f", "slp", "", "", "بیمار از کم‌خوابی شکایت دارد و شب‌ها فقط 2 ساعت می‌خوابد.", "The patient complains of poor sleep and sleeps only 2 hours a night."),
    ("c", "slp", "", "", "شبا خوابش نمیبره، تا صبح بیداره.", "At night {he} can't fall asleep; {he} stays awake until morning."),
    ("c", "slp", "", "", "دو سه شبه اصلاً نخوابیده.", "{He} hasn't slept at all for two or three nights."),
    ("c", "slp", "", "", "خوابش بهم ریخته، شب بیداره روز میخوابه.", "{His} sleep is messed up; {he} is awake at night and sleeps in the day."),
    ("f", "", "slp", "q", "آیا این دارو خواب‌آور است؟", "Is this medication sleep-inducing?"),
    ("f", "", "slp", "neg", "بیمار مشکل خواب ندارد.", "The patient has no sleep problems."),
    ("c", "", "slp", "self", "خودم از نگرانی خوابم نمیبره.", "I myself can't sleep from worry."),
    ("c", "", "slp", "rsv", "با قرصی که دکتر داد خوابش درست شده.", "With the pill the doctor gave, {his} sleep has been sorted out."),
    # ---------------- psychological
    ("f", "psy", "", "", "بیمار دچار اضطراب و نگرانی شدید است.", "The patient has severe anxiety and worry."),
    ("f", "psy", "", "", "بیمار افسرده است و با کسی صحبت نمی‌کند.", "The patient is depressed and does not talk to anyone."),
    ("f", "psy", "", "", "بیمار دچار توهم و هذیان‌گویی شده است.", "The patient has developed hallucinations and delirious talk."),
    ("c", "psy", "", "", "خیلی بی‌قراره، یه جا بند نمیشه.", "{He} is very restless; {he} can't stay in one place."),
    ("c", "psy", "", "", "همش گریه میکنه، میگه دیگه نمیخوام زنده باشم.", "{He} cries all the time and says {he} doesn't want to be alive anymore."),
    ("c", "psy", "", "", "چیزایی میبینه که نیست، میگه یکی تو اتاقه.", "{He} sees things that aren't there; {he} says someone is in the room."),
    ("c", "psy", "", "", "عصبیه، سر همه داد میزنه.", "{He} is irritable and shouts at everyone."),
    ("c", "psy", "", "", "از مردن میترسه، همش میپرسه من خوب میشم؟", "{He} is afraid of dying; {he} keeps asking, \"Will I get better?\""),
    ("f", "", "psy", "neg", "بیمار از نظر روحی آرام است.", "The patient is psychologically calm."),
    ("f", "", "psy", "q", "پرسیدند آیا می‌توان برای بیمار مشاوره روانشناسی گرفت؟", "They asked whether psychological counselling can be arranged for the patient."),
    ("c", "", "psy", "self", "خودم افسردگی گرفتم، نمیدونم چیکار کنم.", "I've become depressed myself; I don't know what to do."),
    ("c", "", "psy", "rsv", "قبلاً بی‌قراری داشت ولی از وقتی هالوپریدول میگیره آروم شده.", "{He} used to be agitated, but since {he} started haloperidol {he} has calmed down."),
    # ---------------- seizure
    ("f", "sez", "", "", "بیمار امروز صبح دچار تشنج شده است.", "The patient had a seizure this morning."),
    ("f", "sez", "", "", "بیمار امروز دو بار حمله تشنجی حدود 2 دقیقه داشته است.", "The patient had two seizure attacks of about 2 minutes today."),
    ("f", "sez", "", "", "بیمار متاستاز مغزی دارد و از دیشب دو نوبت تشنج کرده است.", "The patient has brain metastases and has had two seizures since last night."),
    ("f", "sez", "", "", "بیمار با وجود مصرف فنی‌توئین 100 میلی‌گرم سه بار در روز، امروز تشنج کرده است.", "Despite taking phenytoin 100 mg three times a day, the patient had a seizure today."),
    ("c", "sez", "", "", "دست و پاش شروع کرد به لرزیدن و چشماش رفت بالا، کف هم کرده بود.", "{His} arms and legs started shaking and {his} eyes rolled back; {he} was foaming at the mouth too."),
    ("c", "sez", "", "", "دوباره تشنج کرد، با اینکه لوتیراستام میخوره.", "{He} had a seizure again, even though {he} takes levetiracetam."),
    ("c", "sez", "", "", "یهو بدنش سفت شد و شروع کرد به پریدن، چند دقیقه طول کشید.", "Suddenly {his} body went stiff and started jerking; it lasted a few minutes."),
    ("c", "sez", "", "", "نیم ساعت پیش یه حمله کرد، دستش میپرید و زبونشو گاز گرفت.", "Half an hour ago {he} had a fit; {his} arm was jerking and {he} bit {his} tongue."),
    ("f", "", "sez", "neg", "بیمار سابقه تشنج ندارد.", "The patient has no history of seizures."),
    ("f", "", "sez", "rsv", "سؤال کردند آیا فنی‌توئین را باید ادامه دهند؛ بیمار از ماه گذشته تشنجی نداشته است.", "They asked whether they should continue phenytoin; the patient has had no seizures since last month."),
    ("f", "", "sez", "hyp", "پزشک گفته احتمال تشنج وجود دارد و داروی پیشگیری تجویز کرده است.", "The doctor said there is a chance of seizures and prescribed a preventive medication."),
    ("c", "", "sez", "rsv", "قبلاً تشنج داشته ولی الان نه.", "{He} had seizures before, but not now."),
    ("c", "", "sez", "hyp", "اگه دوباره تشنج کرد چیکار کنیم؟", "If {he} has a seizure again, what should we do?"),
    ("c", "", "sez", "oth", "نوه‌اش صرع داره، دیشب تشنج کرد، واسه همین نتونستیم بیایم.", "{His} grandchild has epilepsy and had a seizure last night; that's why we couldn't come."),
    # ---------------- consciousness
    ("f", "con", "", "", "سطح هوشیاری بیمار از دیروز کاهش یافته است.", "The patient's level of consciousness has decreased since yesterday."),
    ("f", "con", "", "", "بیمار گیج است و به سؤالات پاسخ مناسب نمی‌دهد.", "The patient is confused and does not answer questions appropriately."),
    ("f", "con", "", "", "بیمار به تحریکات پاسخ نمی‌دهد.", "The patient does not respond to stimuli."),
    ("f", "con", "", "", "بیمار از صبح خواب‌آلودگی غیرطبیعی دارد و به سختی بیدار می‌شود.", "Since morning the patient has been abnormally drowsy and wakes with difficulty."),
    ("c", "con", "", "", "صداش میکنیم جواب نمیده.", "We call {him} and {he} doesn't respond."),
    ("c", "con", "", "", "گیجه، ما رو نمیشناسه.", "{He} is confused and doesn't recognise us."),
    ("c", "con", "", "", "همش چشماش بسته‌ست، به زور بیدار میشه و دوباره میره.", "{His} eyes are closed all the time; {he} wakes with difficulty and drifts off again."),
    ("c", "con", "", "", "از صبح هوشیاریش کم شده، چشماشو باز نمیکنه.", "Since morning {his} alertness has dropped; {he} doesn't open {his} eyes."),
    ("f", "", "con", "neg", "بیمار هوشیار است و به سؤالات پاسخ می‌دهد.", "The patient is alert and answers questions."),
    ("f", "", "con", "q", "پرسیدند آیا مورفین باعث کاهش سطح هوشیاری می‌شود؟", "They asked whether morphine causes a decreased level of consciousness."),
    ("c", "", "con", "rsv", "دیروز یه کم گیج بود ولی امروز هوشیاره و حرف میزنه.", "Yesterday {he} was a bit confused, but today {he} is alert and talking."),
    # ---------------- urinary
    ("f", "uri", "", "", "بیمار از دیروز ادرار نکرده است.", "The patient has not urinated since yesterday."),
    ("f", "uri", "", "", "بیمار از سوزش ادرار شکایت دارد.", "The patient complains of burning on urination."),
    ("f", "uri", "", "", "بیمار دچار بی‌اختیاری ادرار شده است.", "The patient has developed urinary incontinence."),
    ("c", "uri", "", "", "سوندش گرفته، ادرار نمیاد.", "{His} catheter is blocked; no urine is coming out."),
    ("c", "uri", "", "", "ادرارش خونیه.", "{His} urine is bloody."),
    ("c", "uri", "", "", "همش میره دستشویی، ادرارش زیاد شده.", "{He} keeps going to the toilet; {he} is urinating a lot."),
    ("c", "uri", "", "", "دور سوندش نشت میکنه و ادرارش کدره.", "It leaks around {his} catheter and {his} urine is cloudy."),
    ("f", "", "uri", "neg", "بیمار مشکل ادراری ندارد.", "The patient has no urinary problems."),
    ("f", "", "uri", "q", "پرسیدند سوند بیمار هر چند وقت یک بار باید تعویض شود؟", "They asked how often the patient's catheter should be changed."),
    ("c", "", "uri", "rsv", "سوندش دیروز عوض شد، الان مشکلی نداره.", "{His} catheter was changed yesterday; now there's no problem."),
    # ---------------- visit request
    ("f", "vis", "", "", "درخواست ویزیت پزشک در منزل دارند.", "They request a home visit by a doctor."),
    ("f", "vis", "", "", "همراه بیمار تقاضای ویزیت پرستار در منزل جهت تعویض پانسمان را دارد.", "The patient's companion requests a home visit by a nurse to change the dressing."),
    ("f", "vis", "", "", "درخواست نوبت ویزیت در درمانگاه را دارند.", "They request an appointment for a visit at the clinic."),
    ("f", "vis", "", "", "بیمار تمایل دارد هر چه زودتر توسط پزشک معاینه شود.", "The patient wishes to be examined by a doctor as soon as possible."),
    ("c", "vis", "", "", "میشه یه دکتر بفرستید بیاد خونه ببینتش؟", "Could you send a doctor to come home and see {him}?"),
    ("c", "vis", "", "", "میخوایم دکتر بیاد معاینه‌اش کنه.", "We want a doctor to come and examine {him}."),
    ("c", "vis", "", "", "تو رو خدا یه پرستار بفرستید بهش سر بزنه.", "For God's sake, send a nurse to check on {him}."),
    ("f", "", "vis", "rsv", "پزشک هفته گذشته بیمار را در منزل ویزیت کرده است.", "The doctor visited the patient at home last week."),
    ("f", "", "vis", "", "نوبت ویزیت بعدی بیمار هفته آینده است.", "The patient's next visit appointment is next week."),
    ("c", "", "vis", "neg", "فعلاً نیازی نیست دکتر بیاد، فقط میخواستم بپرسم.", "For now there's no need for the doctor to come; I just wanted to ask."),
    # ---------------- cost
    ("f", "cst", "", "", "خانواده بیمار توان پرداخت هزینه داروها را ندارند.", "The patient's family cannot afford the cost of the medications."),
    ("f", "cst", "", "", "بیمه بیمار منقضی شده و برای تمدید آن مشکل دارند.", "The patient's insurance has expired and they have problems renewing it."),
    ("f", "cst", "", "", "هزینه اکسیژن‌ساز برای خانواده سنگین است و درخواست کمک مالی دارند.", "The cost of the oxygen concentrator is heavy for the family and they request financial help."),
    ("c", "cst", "", "", "بیمه داروهاشو پوشش نمیده، پولشم نداریم.", "The insurance doesn't cover {his} medications, and we don't have the money either."),
    ("c", "cst", "", "", "قیمت این آمپولا خیلی بالاست، از پسش برنمیایم.", "The price of these injections is very high; we can't afford them."),
    ("c", "cst", "", "", "داروخانه گفت این دارو آزاده و بیمه نمیده، خیلی گرونه.", "The pharmacy said this drug is not covered and the insurance won't pay; it's very expensive."),
    ("f", "", "cst", "neg", "بیمه هزینه داروها را پرداخت می‌کند و مشکلی از این بابت ندارند.", "The insurance pays for the medications and they have no problem in this regard."),
    ("f", "", "cst", "q", "سؤال کردند آیا این دارو تحت پوشش بیمه است؟", "They asked whether this drug is covered by insurance."),
    # ---------------- multi-feature sentences
    ("c", "pan slp", "", "", "از درد شبا نمیتونه بخوابه.", "{He} can't sleep at night because of the pain."),
    ("c", "gi app", "", "", "به خاطر تهوع هیچی نمیخوره.", "Because of the nausea {he} doesn't eat anything."),
    ("f", "fat res", "", "", "بیمار به دلیل ضعف و تنگی نفس قادر به راه رفتن نیست.", "Because of weakness and shortness of breath, the patient is unable to walk."),
    ("c", "fev con", "", "", "تب داره و از دیروز گیج میزنه.", "{He} has a fever and has been confused since yesterday."),
    ("f", "psy slp", "", "", "بیمار دچار بی‌قراری است و شب‌ها نمی‌خوابد.", "The patient is agitated and does not sleep at night."),
    ("c", "gi pan", "", "", "هم اسهال داره هم دل‌درد.", "{He} has both diarrhoea and a stomach ache."),
    ("f", "uri fev", "", "", "بیمار از سوزش ادرار و تب خفیف شکایت دارد.", "The patient complains of burning on urination and a mild fever."),
    ("c", "cst gi", "", "", "پول نداریم داروی تهوعشو بخریم، همش حالت تهوع داره.", "We don't have money to buy {his} nausea medicine; {he} is nauseous all the time."),
    ("f", "app fat", "", "", "بیمار بی‌اشتها و بسیار ضعیف شده است.", "The patient has lost {his} appetite and has become very weak."),
    ("c", "sez con", "", "", "بعد از تشنج دیگه به هوش نیومده، صداش میکنیم جواب نمیده.", "After the seizure {he} hasn't come round; we call {him} and {he} doesn't respond."),
    ("f", "psy con", "", "", "بیمار دچار گیجی و بی‌قراری شده و افراد خانواده را نمی‌شناسد.", "The patient has become confused and agitated and does not recognise family members."),
    ("c", "res slp", "", "", "از سرفه شبا خوابش نمیبره.", "{He} can't sleep at night because of the cough."),
    ("f", "uri pan", "", "", "بیمار از درد زیر شکم و احتباس ادرار شکایت دارد.", "The patient complains of lower abdominal pain and urinary retention."),
    ("c", "cst vis", "", "", "پول آمبولانس نداریم بیاریمش، میشه یه دکتر بیاد خونه؟", "We don't have money for an ambulance to bring {him}; can a doctor come to the house?"),
    # ---------------- a positive and a negated/resolved feature in one sentence
    ("f", "pan", "fev", "neg", "بیمار درد دارد اما تب ندارد.", "The patient has pain but no fever."),
    ("c", "res", "fev", "neg", "نفسش تنگه ولی تب نداره.", "{He} is short of breath but has no fever."),
    ("f", "gi", "pan", "neg", "بیمار از یبوست شکایت دارد ولی درد شکم ندارد.", "The patient complains of constipation but has no abdominal pain."),
    ("c", "app", "gi", "rsv", "دیگه بالا نمیاره ولی هنوز اشتها نداره.", "{He} doesn't throw up anymore but still has no appetite."),
    ("f", "con", "sez", "rsv", "تشنج بیمار کنترل شده ولی همچنان گیج است و به سختی پاسخ می‌دهد.", "The patient's seizures are controlled, but {he} is still confused and responds with difficulty."),
    ("c", "gi", "pan", "rsv", "دردش با مورفین خوب شده ولی از وقتی مورفین شروع شده یبوست گرفته.", "{His} pain has gone with the morphine, but since the morphine was started {he} has become constipated."),
    ("f", "fat", "slp", "neg", "بیمار خواب خوبی دارد اما از ضعف و بی‌حالی شکایت دارد.", "The patient sleeps well but complains of weakness and listlessness."),
    ("c", "uri", "fev", "neg", "سوزش ادرار داره ولی تب نکرده.", "{He} has burning on urination but hasn't had a fever."),
    ("c", "psy", "slp", "neg", "خوابش خوبه ولی روزا خیلی مضطربه و گریه میکنه.", "{He} sleeps well, but during the day {he} is very anxious and cries."),
    ("f", "res", "con", "neg", "بیمار هوشیار است ولی تنگی نفس دارد.", "The patient is alert but is short of breath."),
    # ---------------- more traps and paraphrases
    ("f", "", "res", "oth", "خواهر بیمار که در منزل از او مراقبت می‌کند دچار سرفه و تنگی نفس شده است.", "The patient's sister, who cares for {him} at home, has developed a cough and shortness of breath."),
    ("c", "", "slp", "oth", "بچه‌ها از وقتی اون مریض شده شبا خواب ندارن.", "The children haven't been sleeping at night since {he} got sick."),
    ("f", "", "psy", "oth", "دختر بیمار به دلیل شرایط بیمار دچار افسردگی شده و تحت درمان است.", "The patient's daughter has become depressed because of the patient's condition and is under treatment."),
    ("c", "", "fev", "oth", "بچه کوچیکمون تب کرده، میترسم بهش سرایت کنه.", "Our little child has a fever; I'm afraid it will pass to {him}."),
    ("c", "", "app", "self", "خودم که اصلاً اشتها ندارم، از غصه‌اش هیچی از گلوم پایین نمیره.", "I myself have no appetite at all; from grief over {him} nothing goes down my throat."),
    ("f", "", "con", "hyp", "پرسیدند اگر بیمار بیهوش شد با اورژانس تماس بگیرند یا خیر.", "They asked whether to call the emergency services if the patient becomes unconscious."),
    ("c", "", "res", "hyp", "اگه نفسش تنگ شد اکسیژنو روی چند بذاریم؟", "If {he} becomes short of breath, what should we set the oxygen to?"),
    ("c", "", "uri", "hyp", "اگه سوندش گرفت خودمون میتونیم شستشو بدیم؟", "If {his} catheter gets blocked, can we flush it ourselves?"),
    ("f", "", "gi", "hyp", "نحوه مصرف لاکتولوز در صورت بروز یبوست آموزش داده شد.", "How to use lactulose in case constipation occurs was explained."),
    ("c", "", "psy", "hyp", "دکتر گفته ممکنه با این دارو بی‌قرار بشه، حواسمون باشه.", "The doctor said {he} might become restless with this drug, so we should watch out."),
    ("c", "", "slp", "hyp", "اگه شب خوابش نبرد قرص خواب بدیم؟", "If {he} can't fall asleep at night, should we give a sleeping pill?"),
    ("f", "", "pan", "hyp", "برای درد احتمالی بعد از رادیوتراپی، استامینوفن توصیه شد.", "Acetaminophen was recommended for possible pain after radiotherapy."),
    ("c", "", "cst", "hyp", "اگه بیمه‌اش تمدید نشه نمیدونیم چیکار کنیم.", "If {his} insurance isn't renewed, we don't know what we'll do."),
    ("f", "", "fat", "hyp", "پزشک گفته ممکن است بیمار پس از شیمی‌درمانی احساس ضعف کند.", "The doctor said the patient may feel weak after chemotherapy."),
    ("c", "", "vis cst", "q", "ویزیت در منزل هزینه داره یا نه؟", "Does a home visit cost anything or not?"),
    ("f", "", "vis", "q", "سؤال کردند ساعت کاری درمانگاه چه زمانی است.", "They asked what the clinic's working hours are."),
    ("f", "sez", "", "", "همراه بیمار گزارش داد بیمار حدود یک ساعت پیش دچار تشنج تونیک-کلونیک شده است.", "The patient's companion reported that the patient had a tonic-clonic seizure about an hour ago."),
    ("c", "sez con", "", "", "صورتش کج شد و دستش شروع کرد به لرزیدن، بعدش بیهوش شد.", "{His} face twisted and {his} arm started shaking; afterwards {he} passed out."),
    ("c", "cst", "", "", "بیمه‌اش تموم شده، تمدیدش نکردن، پول دارو رو از کجا بیاریم؟", "{His} insurance has run out and they didn't renew it; where are we supposed to get the money for the medicines?"),
    ("f", "cst", "", "", "بیمار به دلیل مشکلات مالی قادر به تهیه داروی اندانسترون نیست.", "Because of financial problems the patient is unable to obtain ondansetron."),
    ("c", "vis", "", "", "یه پرستار بیاد زخمشو ببینه، ما بلد نیستیم پانسمان کنیم.", "A nurse should come and look at {his} wound; we don't know how to change the dressing."),
    ("f", "vis", "", "", "درخواست ویزیت مجدد توسط پزشک تیم مراقبت تسکینی را دارند.", "They request a follow-up visit by the palliative care team's doctor."),
    ("f", "fev", "", "", "بیمار احساس گرما و لرز دارد و دمای زیر بغل 38 درجه است.", "The patient feels hot and shivery and {his} axillary temperature is 38 degrees."),
    ("f", "slp", "", "", "بیمار با وجود مصرف آلپرازولام 0.5 میلی‌گرم شب‌ها خواب ندارد.", "Despite taking alprazolam 0.5 mg, the patient does not sleep at night."),
    ("f", "uri", "", "", "بیمار از تکرر ادرار، به‌خصوص در شب، شکایت دارد.", "The patient complains of frequent urination, especially at night."),
    ("c", "psy", "", "", "شبا داد و بیداد میکنه، میخواد سرمشو بکشه.", "At night {he} shouts and screams and tries to pull out {his} IV line."),
    ("c", "", "uri", "neg", "ادرارش خوبه، مشکلی نداره.", "{His} urination is fine; there's no problem."),
    ("f", "", "uri", "rsv", "سوزش ادرار بیمار پس از مصرف آنتی‌بیوتیک برطرف شده است.", "The patient's burning on urination has resolved after taking antibiotics."),
    ("c", "", "cst", "neg", "خداروشکر بیمه همه‌ی داروهاشو میده.", "Thank God the insurance covers all {his} medications."),
    ("f", "", "cst vis", "q", "پرسیدند هزینه ویزیت در منزل چقدر است.", "They asked how much a home visit costs."),
    ("c", "", "fat", "neg", "ضعف نداره، خودش راه میره.", "{He} has no weakness; {he} walks by {him}self."),
    ("f", "", "fat", "rsv", "ضعف بیمار پس از تزریق خون برطرف شده و اکنون راه می‌رود.", "The patient's weakness resolved after the blood transfusion and {he} now walks."),
    ("c", "", "con", "neg", "هوشش سر جاشه، همه رو میشناسه.", "{He} is fully alert; {he} recognises everyone."),
    ("f", "", "app", "neg", "بیمار اشتهای خوبی دارد.", "The patient has a good appetite."),
    ("c", "", "vis uri", "rsv", "دیروز پرستار اومد سوندشو عوض کرد.", "Yesterday the nurse came and changed {his} catheter."),
]

# Sentences without any feature (refills, advice, admin, stable patient).
# Sentences saying the patient is well are used only in records without any positive feature.
WELLNESS = {"حال عمومی بیمار پایدار است.", "حالش خوبه، فقط زنگ زدم بپرسم نسخه‌اش کی آماده میشه.",
            "ممنون از پیگیریتون، اوضاع فعلاً آرومه.", "دیروز رادیوتراپی داشت، امروز حالش بد نیست."}
NEUTRAL = [
    ("f", "درخواست تمدید نسخه مورفین دارند.", "They request a renewal of the morphine prescription."),
    ("f", "حال عمومی بیمار پایدار است.", "The patient's general condition is stable."),
    ("f", "سؤال در مورد نحوه مصرف دگزامتازون داشتند.", "They had a question about how to take dexamethasone."),
    ("f", "بیمار طبق برنامه داروهای خود را مصرف می‌کند.", "The patient takes {his} medications according to schedule."),
    ("f", "جواب آزمایش خون بیمار آماده شده و می‌خواهند آن را برای پزشک ارسال کنند.", "The patient's blood test results are ready and they want to send them to the doctor."),
    ("f", "آموزش لازم درباره نحوه تزریق زیرجلدی به همراه بیمار داده شد.", "Instruction on how to give subcutaneous injections was given to the patient's companion."),
    ("f", "برای تهیه تخت بیمارستانی در منزل راهنمایی خواستند.", "They asked for guidance on obtaining a hospital bed for home."),
    ("f", "بیمار روز گذشته جلسه شیمی‌درمانی خود را انجام داده است.", "The patient had {his} chemotherapy session yesterday."),
    ("f", "به همراه بیمار توصیه شد داروها را طبق دستور ادامه دهند.", "The patient's companion was advised to continue the medications as instructed."),
    ("f", "خانواده بیمار در خصوص زمان جلسه بعدی شیمی‌درمانی سؤال داشتند.", "The patient's family had a question about the time of the next chemotherapy session."),
    ("f", "توصیه شد در صورت بدتر شدن حال بیمار به اورژانس مراجعه کنند.", "They were advised to go to the emergency department if the patient's condition worsens."),
    ("f", "نسخه جدید مورفین 10 میلی‌گرم برای بیمار صادر شد.", "A new prescription for morphine 10 mg was issued for the patient."),
    ("f", "همراه بیمار درخواست نامه برای دریافت داروی تحت نظارت دارد.", "The patient's companion requests a letter for obtaining a controlled drug."),
    ("f", "پیگیری تلفنی هفتگی انجام شد.", "The weekly follow-up call was made."),
    ("c", "حالش خوبه، فقط زنگ زدم بپرسم نسخه‌اش کی آماده میشه.", "{He} is fine; I just called to ask when {his} prescription will be ready."),
    ("c", "ممنون از پیگیریتون، اوضاع فعلاً آرومه.", "Thank you for following up; things are calm for now."),
    ("c", "شماره دکترشو میخواستم.", "I wanted {his} doctor's number."),
    ("c", "دیروز رادیوتراپی داشت، امروز حالش بد نیست.", "{He} had radiotherapy yesterday; today {he} is not doing badly."),
    ("c", "داروهاش تموم شده، کی میتونیم بیایم بگیریم؟", "{His} medications have run out; when can we come to get them?"),
    ("c", "قرص دگزامتازونشو صبح بدیم یا شب؟", "Should we give {his} dexamethasone tablet in the morning or at night?"),
    ("c", "میخواستم بدونم جواب سی‌تی اسکنش اومده یا نه.", "I wanted to know whether {his} CT scan result has come or not."),
]

# Hand-written whole notes: (gender m/f, fa, en, positives, tags)
FULL_NOTES = [
    ("m", "بیمار آقای 72 ساله مبتلا به سرطان پروستات با متاستاز استخوانی. پسر بیمار تماس گرفته و اظهار داشت بیمار از سه روز پیش درد شدید لگن دارد و با ترامادول 100 میلی‌گرم هم آرام نمی‌شود. بیمار شب‌ها از درد بیدار می‌شود. تب ندارد. درخواست ویزیت پزشک در منزل دارند.",
     "The patient is a 72-year-old man with prostate cancer with bone metastases. The patient's son called and stated that for three days the patient has had severe pelvic pain and it does not settle even with tramadol 100 mg. The patient wakes up at night from the pain. {He} has no fever. They request a home visit by a doctor.",
     "pan slp vis", "neg"),
    ("f", "دختر بیمار زنگ زده، میگه مامانم از دیشب نفسش بالا نمیاد، لباش کبود شده. اکسیژن ساز داریم ولی فایده نداره. چیکار کنیم؟",
     "The patient's daughter called; she says: since last night my mom can't catch her breath, her lips have turned blue. We have an oxygen concentrator but it doesn't help. What should we do?",
     "res", ""),
    ("m", "تماس جهت تمدید نسخه. بیمار مبتلا به سرطان معده، حال عمومی ثابت، شکایت جدیدی ندارد.",
     "Call for a prescription renewal. Patient with stomach cancer, general condition stable, no new complaints.",
     "", ""),
    ("f", "همسر بیمار تماس گرفت. خانم 54 ساله، کانسر پستان متاستاتیک به کبد. به گفته همسرش از دو روز قبل زردی پیدا کرده و شکمش ورم کرده و سفت است، لب به غذا نمی‌زند. درد ندارد. سؤال داشتند آیا باید بستری شود؟",
     "The patient's husband called. A 54-year-old woman, breast cancer metastatic to the liver. According to her husband, for two days she has become jaundiced and her abdomen is swollen and hard; she won't touch food. She has no pain. They asked whether she should be admitted.",
     "gi app", "neg q"),
    ("m", "آقای 61 ساله، ca ریه. خودش تماس گرفته. میگه سرفه‌هام خیلی زیاد شده، خلط خونی دارم. تب ندارم ولی خیلی ضعیف شدم، از تخت نمیتونم پایین بیام.",
     "61-year-old man, lung cancer. He called himself. He says: my coughing has increased a lot, I have bloody sputum. I don't have a fever but I've become very weak; I can't get down from the bed.",
     "res fat", "neg"),
    ("f", "پسرش میگه: مادرم دیروز یه تشنج کوتاه داشت، الانم خیلی خواب آلوده، صداش میکنیم به زور جواب میده. دگزامتازون 4 میلی‌گرم روزی دو بار میخوره.",
     "Her son says: my mother had a short seizure yesterday, and now she is very drowsy; when we call her she barely responds. She takes dexamethasone 4 mg twice a day.",
     "sez con", ""),
    ("m", "بیمار آقای 80 ساله مبتلا به سرطان مثانه. عروس بیمار تماس گرفته و می‌گوید از صبح ادرار خونی دارد و سوند بسته شده است. بیمار بی‌قرار است و مدام دست به سوند می‌زند. درخواست اعزام پرستار برای تعویض سوند دارند.",
     "The patient is an 80-year-old man with bladder cancer. The patient's daughter-in-law called and says that since morning he has had bloody urine and the catheter is blocked. The patient is restless and keeps touching the catheter. They request that a nurse be sent to change the catheter.",
     "uri psy vis", ""),
    ("f", "بیمار خانم 47 ساله، سرطان تخمدان. شوهرش میگه دیگه استفراغ نمیکنه، اشتهاشم بهتر شده، فقط یه کم یبوست داره. پرسید لاکتولوز رو چقدر بده.",
     "The patient is a 47-year-old woman, ovarian cancer. Her husband says she doesn't vomit anymore, her appetite has improved too; she only has a little constipation. He asked how much lactulose to give.",
     "gi", "rsv"),
    ("m", "پیگیری تلفنی: بیمار آقای 66 ساله، سرطان پانکراس. همسرش اظهار داشت بیمار آرام است، درد ندارد، تب ندارد، غذا می‌خورد و شب‌ها خوب می‌خوابد. مشکلی گزارش نشد.",
     "Telephone follow-up: 66-year-old male patient, pancreatic cancer. His wife stated that the patient is calm, has no pain, has no fever, eats, and sleeps well at night. No problem was reported.",
     "", "neg"),
    ("m", "خانمش زنگ زد گریه میکرد، میگه حاجی از دیشب هذیون میگه، بابای خدابیامرزشو صدا میکنه، منو نمیشناسه. تب هم داره 38 و نیم. خودم دیگه توان ندارم.",
     "His wife called crying; she says: since last night Haji has been talking deliriously, calling his late father, he doesn't recognise me. He also has a fever of 38 and a half. I myself have no strength left.",
     "psy con fev", "self"),
    ("f", "بیمار خانم 39 ساله مبتلا به تومور مغزی. خواهر بیمار تماس گرفته و اظهار داشت بیمار سابقه تشنج دارد ولی از زمان شروع لوتیراستام 500 میلی‌گرم دیگر تشنج نکرده است. سؤال داشتند آیا دارو قطع شود یا خیر.",
     "The patient is a 39-year-old woman with a brain tumour. The patient's sister called and stated that the patient has a history of seizures but has not had a seizure since starting levetiracetam 500 mg. They asked whether the drug should be stopped or not.",
     "", "rsv q"),
    ("m", "پسر بیمار میگه داروخونه آمپول مورفینو نداره، داروی آزاد هم خیلی گرونه و پولشو نداریم. بابام دردش زیاده.",
     "The patient's son says the pharmacy doesn't have the morphine injection, and the drug without insurance is very expensive and we don't have the money for it. My dad's pain is bad.",
     "cst pan", ""),
    ("f", "بیمار خانم ۷۰ ساله، سرطان روده بزرگ با کلستومی. دخترش اطلاع داد اطراف کیسه کلستومی قرمز شده و مدفوع آبکی زیاد است. بیمار بی‌حال است و آب کم می‌نوشد. درخواست ویزیت پرستار در منزل دارند.",
     "The patient is a 70-year-old woman, colon cancer with a colostomy. Her daughter reported that the area around the colostomy bag has become red and there is a lot of watery stool. The patient is listless and drinks little water. They request a home visit by a nurse.",
     "gi fat vis", ""),
    ("m", "اقای 58 ساله کانسر مری. پسرش میگه غذا که میخوره برمیگردونه، حتی آبم به زور میره پایین. لاغر شده خیلی. دکترش گفته شاید استنت لازم باشه.",
     "58-year-old man, oesophageal cancer. His son says when he eats, the food comes back up; even water goes down with difficulty. He has lost a lot of weight. His doctor said a stent may be needed.",
     "gi", ""),
    ("f", "دخترش میگه مامانم چند روزه اصلا حرف نمیزنه، رو به دیوار میخوابه، میگه میخوام بمیرم. غذا هم نمیخوره. درد و تب نداره.",
     "Her daughter says: for several days my mom hasn't talked at all, she lies facing the wall, she says she wants to die. She doesn't eat either. She has no pain or fever.",
     "psy app", "neg"),
    ("m", "تماس از طرف نوه بیمار جهت اطلاع از ساعت کاری درمانگاه. بیمار مشکل خاصی ندارد.",
     "Call from the patient's grandchild to ask about the clinic's working hours. The patient has no particular problem.",
     "", ""),
    ("m", "بیمار آقای 49 ساله مبتلا به لنفوم، همراه بیمار تماس گرفته و اظهار داشت بیمار از دیشب تب 39 درجه و لرز دارد، هفته گذشته شیمی‌درمانی شده است. سرفه ندارد. توصیه به مراجعه فوری به اورژانس شد.",
     "The patient is a 49-year-old man with lymphoma; the patient's companion called and stated that since last night the patient has had a fever of 39 degrees and chills; he had chemotherapy last week. He has no cough. Immediate referral to the emergency department was advised.",
     "fev", "neg"),
    ("f", "خانم 63 ساله، سرطان کبد. شوهرش پرسید اگه شکمش بیشتر باد کرد باید بیاریمش برای تخلیه آب؟ فعلاً مشکلی نداره و راحته.",
     "63-year-old woman, liver cancer. Her husband asked: if her belly swells more, should we bring her in to drain the fluid? For now she has no problem and is comfortable.",
     "", "hyp"),
    ("m", "پسر بیمار زنگ زد: بابام از وقتی داروی جدید رو شروع کرده همش خوابه، صداش میزنیم چشماشو باز میکنه ولی دوباره میخوابه، حرفاش نامفهومه. ادرارشم کم شده.",
     "The patient's son called: since my dad started the new medication he is asleep all the time; when we call him he opens his eyes but falls asleep again, and his words are incomprehensible. His urine output has also decreased.",
     "con uri", ""),
    ("f", "بیمار خانم 52 ساله مبتلا به سرطان دهانه رحم. بیمار شخصاً تماس گرفت و از درد لگن و سوزش ادرار شکایت داشت. همچنین اظهار داشت که خیلی نگران است و شب‌ها خوابش نمی‌برد. درخواست نوبت ویزیت دارد.",
     "The patient is a 52-year-old woman with cervical cancer. The patient called personally and complained of pelvic pain and burning on urination. She also stated that she is very worried and cannot fall asleep at night. She requests a visit appointment.",
     "pan uri psy slp vis", ""),
    ("m", "همراه بیمار اعلام کرد بیمار فوت کرده است. تسلیت گفته شد.",
     "The patient's companion reported that the patient has passed away. Condolences were offered.",
     "", ""),
    ("m", "پسرش میگه بابام سکسکه‌اش بند نمیاد، از دیروز تا حالا. نفسشم یه کم تنگ شده. پرسید دکتر میتونه بیاد ببینش؟ گفتیم نوبت ویزیت داده میشه.",
     "His son says: my dad's hiccups won't stop, since yesterday until now. He is also a bit short of breath. He asked whether the doctor can come and see him; we said a visit appointment will be given.",
     "gi res vis", ""),
    ("f", "بیمار خانم 45 ساله سرطان پستان. دختر بیمار میگه بیمه تکمیلیش قطع شده، هزینه پرتودرمانی رو نمیتونیم بدیم. حال خود مادرم فعلا خوبه.",
     "45-year-old female patient, breast cancer. The patient's daughter says her supplementary insurance has been cut off; we can't pay for the radiotherapy. My mother herself is fine for now.",
     "cst", ""),
    ("m", "بیمار آقای 77 ساله، کانسر معده. همسرش می‌گوید بیمار خیلی بی‌حال است، از جایش بلند نمی‌شود و غذا نمی‌خورد. چند بار هم استفراغ سیاه رنگ داشته است. تب ندارد، تنگی نفس ندارد.",
     "The patient is a 77-year-old man, stomach cancer. His wife says the patient is very listless, doesn't get up from his place and doesn't eat. He has also had black vomiting several times. He has no fever and no shortness of breath.",
     "fat app gi", "neg"),
    ("f", "دخترش میگه مامانم میپرسه این قرصای جدید چاقش میکنه؟ خودش حالش خوبه، فقط میخواستیم بدونیم.",
     "Her daughter says: my mom is asking whether these new pills will make her gain weight. She herself is fine; we just wanted to know.",
     "", "q"),
    ("m", "آقای 68 ساله، سرطان کلیه. پسرش تماس گرفت و گفت بیمار از ظهر دو بار تشنج کرده و بعد از آن گیج است. سابقه متاستاز مغزی دارد. ادرار بی‌اختیار هم داشته است.",
     "68-year-old man, kidney cancer. His son called and said that since noon the patient has had two seizures and has been confused since then. He has a history of brain metastases. He has also had urinary incontinence.",
     "sez con uri", ""),
    ("f", "بیمار خانم 59 ساله، سرطان ریه. همراه بیمار میگه اکسیژنش 86 شده، تند تند نفس میکشه، خیلی هم ترسیده و بیقراره. یه کم تب هم داره.",
     "The patient is a 59-year-old woman, lung cancer. The patient's companion says her oxygen has dropped to 86, she is breathing fast, and she is also very frightened and restless. She has a slight fever too.",
     "res psy fev", ""),
    ("m", "تماس پسر بیمار: پدرم قبلا تشنج میکرد و تب داشت ولی الان هر دوش خوب شده. فقط میخواستم تشکر کنم.",
     "Call from the patient's son: my father used to have seizures and fever, but now both are better. I just wanted to say thank you.",
     "", "rsv"),
    ("f", "بیمار خانم 81 ساله مبتلا به سرطان پانکراس. دختر بیمار تماس گرفت. بیمار از درد اپی‌گاستر شکایت دارد و روزی 2 بار استفراغ می‌کند. اندانسترون 4 میلی‌گرم می‌گیرد. اشتها ندارد. بیمار خیلی ضعیف شده و بیشتر روز در بستر است. دختر بیمار اظهار داشت که خودش هم بیمار است و نمی‌تواند مادرش را به بیمارستان بیاورد و درخواست ویزیت در منزل دارد. هزینه ویزیت خصوصی را هم نمی‌توانند بپردازند.",
     "The patient is an 81-year-old woman with pancreatic cancer. The patient's daughter called. The patient complains of epigastric pain and vomits 2 times a day. She takes ondansetron 4 mg. She has no appetite. The patient has become very weak and is in bed most of the day. The patient's daughter stated that she herself is ill and cannot bring her mother to the hospital, and she requests a home visit. They also cannot pay the cost of a private visit.",
     "pan gi app fat vis cst", ""),
    ("m", "بیمار آقای 64 ساله کانسر حنجره با تراکئوستومی. همسرش میگه ترشحات لوله‌اش زیاد شده و نفسش خس خس میکنه. ساکشن داریم ولی کمکی نمیکنه.",
     "64-year-old male patient, laryngeal cancer with a tracheostomy. His wife says the secretions from his tube have increased and his breathing is wheezy. We have suction but it doesn't help.",
     "res", ""),
    ("m", "پسرش میگه بابام از صبح سه بار بالا آورده، دیگه هیچی نمیخوره.",
     "His son says: my dad has thrown up three times since morning, and he doesn't eat anything anymore.", "gi app", ""),
    ("f", "خانم ۶۰ ساله، سرطان تخمدان. دخترش میپرسه آیا میشه اندانسترون رو با دگزامتازون همزمان داد؟ مشکل خاصی نداره.",
     "60-year-old woman, ovarian cancer. Her daughter asks whether ondansetron can be given at the same time as dexamethasone. She has no particular problem.", "", "q"),
    ("m", "بیمار آقای 57 ساله مبتلا به سرطان ریه با متاستاز به استخوان و مغز. همسر بیمار تماس گرفته و اظهار داشت که از دو روز پیش سرفه‌های بیمار بیشتر شده و هنگام صحبت کردن نفس کم می‌آورد. اشباع اکسیژن در منزل 89 درصد بوده است. درد پهلوی راست دارد که با مورفین 5 میلی‌گرم زیرجلدی کمی بهتر می‌شود. هفته گذشته یک بار تشنج کرده ولی از آن زمان تشنجی نداشته است. همسر بیمار گفت خودش هم از خستگی دیگر توان ندارد و درخواست دارد پرستار برای ویزیت به منزل بیاید.",
     "The patient is a 57-year-old man with lung cancer with metastases to the bone and brain. The patient's wife called and stated that for two days the patient's coughing has increased and he runs out of breath when talking. The oxygen saturation at home was 89 percent. He has right flank pain that gets a little better with morphine 5 mg subcutaneously. Last week he had a seizure once, but he has not had a seizure since then. The patient's wife said that she herself has no strength left from exhaustion, and she requests that a nurse come to the house for a visit.",
     "res pan vis", "rsv self"),
    ("f", "مامانم از دیروز گیجه، به ما میگه شما کی هستید. تب نداره. دخترشم.",
     "My mom has been confused since yesterday; she asks us who we are. She has no fever. I'm her daughter.", "con", "neg"),
    ("m", "آقای ۸۲ ساله، سرطان پروستات. پسرش میگه شبا چند بار بیدار میشه میره دستشویی، ادرارش قطره قطره میاد و میسوزه. پرسید قرص خواب بهش بدیم یا نه.",
     "82-year-old man, prostate cancer. His son says at night he wakes up several times and goes to the toilet; his urine comes drop by drop and burns. He asked whether to give him a sleeping pill or not.", "slp uri", "q"),
    ("f", "بیمار خانم 66 ساله مبتلا به سرطان پستان. بیمار شخصاً تماس گرفت. اظهار داشت که بیمه تکمیلی هزینه داروی هرسپتین را پرداخت نمی‌کند و توان خرید آن را ندارد. از نظر بالینی شکایتی ندارد.",
     "The patient is a 66-year-old woman with breast cancer. The patient called personally. She stated that her supplementary insurance does not pay for the drug Herceptin and she cannot afford to buy it. Clinically she has no complaints.", "cst", ""),
    ("m", "پسر بیمار تماس گرفت و گفت پدرش دیشب دچار تشنج شده و الان حالش بهتر است و صحبت می‌کند. تب ندارد. فنی‌توئین مصرف نمی‌کرده است.",
     "The patient's son called and said that his father had a seizure last night and is now better and talking. He has no fever. He had not been taking phenytoin.", "sez", "neg"),
    ("f", "عروسش میگه خانم‌جون دیگه نه درد داره نه تب، فقط خیلی بی‌حاله و همش دراز کشیده.",
     "Her daughter-in-law says Khanom-joon no longer has pain or fever; she is just very listless and lies down all the time.", "fat", "rsv"),
    ("m", "بیمار آقای ۷۱ ساله، سرطان کولون. خانمش زنگ زد، میگه از دیشب شکمش درد میکنه و نفخ داره، گاز و مدفوع هم دفع نکرده. استفراغم کرده. میترسه انسداد روده باشه.",
     "The patient is a 71-year-old man, colon cancer. His wife called; she says since last night his abdomen hurts and is bloated, and he hasn't passed gas or stool. He has vomited too. She is afraid it's a bowel obstruction.", "pan gi", ""),
    ("f", "دختر بیمار: دیروز دکتر اومد مامانمو ویزیت کرد، داروهاشو عوض کرد. الان بهتره. میخواستم بپرسم دگزامتازون رو چند روز ادامه بدیم.",
     "The patient's daughter: yesterday the doctor came and visited my mom and changed her medications. She is better now. I wanted to ask for how many days we should continue the dexamethasone.", "", "rsv q"),
    ("m", "آقای 55 ساله، سرطان معده. خودش زنگ زد گفت از وقتی شیمی درمانی رو شروع کرده دل‌پیچه و اسهال داره.",
     "55-year-old man, stomach cancer. He called himself and said that since he started chemotherapy he has had abdominal cramps and diarrhoea.", "gi pan", ""),
    ("f", "بیمار خانم 48 ساله، لوسمی. همسرش نگران است که بیمار از صبح لثه‌هایش خونریزی دارد و روی پوستش کبودی‌هایی پیدا شده. تب ندارد. درخواست نوبت ویزیت فوری دارند.",
     "The patient is a 48-year-old woman, leukaemia. Her husband is worried because since morning the patient's gums have been bleeding and bruises have appeared on her skin. She has no fever. They request an urgent visit appointment.", "vis", "neg"),
    ("m", "برادر بیمار گفت بیمار دیروز یه کم تب داشت و سرفه میکرد، امروز هر دو برطرف شده و حال بیمار بهتره.",
     "The patient's brother said the patient had a bit of a fever yesterday and was coughing; today both have cleared up and the patient is better.", "", "rsv"),
    ("f", "دخترش زنگ زد خیلی ناراحت بود. میگه مادرم یه هفته‌ست فقط آب میخوره، لب به غذا نمیزنه، خیلی لاغر شده. از دیشب نفسش صدادار شده و خرخر میکنه. صداش میکنیم فقط چشماشو باز میکنه و دوباره میبنده. میپرسه یعنی داره تموم میکنه؟ میخوان دکتر بیاد خونه ببینتش.",
     "Her daughter called, very upset. She says: for a week my mother has only been drinking water, she won't touch food, she has become very thin. Since last night her breathing has become noisy and rattling. When we call her she only opens her eyes and closes them again. She asks: does this mean she is dying? They want a doctor to come home and see her.",
     "app res con vis", ""),
    ("m", "بیمار آقای 62 ساله، سرطان مری. پسرش تماس گرفت. بیمار از گذاشتن لوله معده (PEG) ناراضی است و مدام گریه می‌کند. اطراف لوله قرمزی دارد. درد ندارد.",
     "The patient is a 62-year-old man, oesophageal cancer. His son called. The patient is unhappy about having the stomach tube (PEG) placed and cries constantly. There is redness around the tube. He has no pain.", "psy", "neg"),
    ("f", "خواهرش میگه سرطانش عود کرده، خیلی ترسیده. شبا کابوس میبینه و از خواب میپره.",
     "Her sister says: her cancer has come back; she is very frightened. At night she has nightmares and wakes up with a start.", "psy slp", ""),
    ("m", "تماس بیمار: آقای ۴۴ ساله، سرطان بیضه. سؤال داشت آیا می‌تواند بعد از شیمی‌درمانی سفر برود؟ حالش خوب است.",
     "Call from the patient: 44-year-old man, testicular cancer. He asked whether he can travel after chemotherapy. He is well.", "", "q"),
    ("f", "همسر بیمار: خانمم از وقتی مورفین رو زیاد کردیم یبوست شدید گرفته، ۶ روزه دفع نداشته. دردش بهتره ولی هنوز یه کم درد داره.",
     "The patient's husband: since we increased the morphine my wife has had severe constipation; she hasn't had a bowel movement for 6 days. Her pain is better but she still has a little pain.", "gi pan", ""),
    ("m", "بیمار ۷۸ ساله، آقا، سرطان ریه. پسرش میگه پدرم اکسیژن خانگی داره. کپسولش داره تموم میشه، پول شارژشو نداریم.",
     "78-year-old patient, male, lung cancer. His son says: my father has home oxygen. His cylinder is running out, and we don't have the money to refill it.", "cst", ""),
    ("f", "بیمار خانم ۵۳ ساله مبتلا به سرطان کیسه صفرا. همراه بیمار گزارش داد بیمار خارش شدید پوست دارد و به دلیل خارش شب‌ها نمی‌خوابد.",
     "The patient is a 53-year-old woman with gallbladder cancer. The patient's companion reported that the patient has severe itching of the skin and because of the itching she does not sleep at night.", "slp", ""),
    ("m", "بیمار تب ندارد. درخواست تمدید نسخه ترامادول 50 میلی‌گرم دارند.",
     "The patient has no fever. They request renewal of the tramadol 50 mg prescription.", "", "neg"),
]

# features mentioned but false in the hand-written notes (index into FULL_NOTES)
FULL_TRAPS = {0: "fev", 3: "pan", 4: "fev", 7: "app", 8: "psy pan fev app slp", 9: "fat", 10: "sez",
              14: "pan fev", 16: "res", 17: "gi", 23: "fev res", 27: "sez fev", 32: "sez fat", 33: "fev",
              36: "fev", 37: "pan fev", 39: "vis", 41: "fev", 42: "fev res", 44: "pan", 50: "fev"}

CANCERS = [  # (fa, en, allowed genders)
    ("سرطان معده", "stomach cancer", "mf"), ("سرطان پستان", "breast cancer", "f"),
    ("سرطان ریه", "lung cancer", "mf"), ("سرطان روده بزرگ", "colon cancer", "mf"),
    ("سرطان پانکراس", "pancreatic cancer", "mf"), ("سرطان کبد", "liver cancer", "mf"),
    ("سرطان مثانه", "bladder cancer", "mf"), ("سرطان پروستات", "prostate cancer", "m"),
    ("سرطان تخمدان", "ovarian cancer", "f"), ("تومور مغزی", "brain tumour", "mf"),
    ("سرطان مری", "oesophageal cancer", "mf"), ("لوسمی", "leukaemia", "mf"),
    ("لنفوم", "lymphoma", "mf"), ("سرطان حنجره", "laryngeal cancer", "mf"),
    ("سرطان رحم", "uterine cancer", "f"), ("سرطان کلیه", "kidney cancer", "mf"),
    ("سرطان کیسه صفرا", "gallbladder cancer", "mf"), ("سارکوم", "sarcoma", "mf"),
]

# callers: (formal fa, colloquial fa, en noun for "the patient's X", gender restriction)
CALLERS = [
    ("پسر بیمار", "پسرش", "son", "mf"), ("دختر بیمار", "دخترش", "daughter", "mf"),
    ("همسر بیمار", "خانمش", "wife", "m"), ("همسر بیمار", "شوهرش", "husband", "f"),
    ("عروس بیمار", "عروسش", "daughter-in-law", "mf"), ("برادر بیمار", "برادرش", "brother", "mf"),
    ("خواهر بیمار", "خواهرش", "sister", "mf"),
]

PRON = {"m": dict(He="He", he="he", His="His", his="his", him="him", man="man", title="آقای"),
        "f": dict(He="She", he="she", His="Her", his="her", him="her", man="woman", title="خانم")}


def fmt(s, g):
    return s.format(**PRON[g])


def cancer_fa(rng, cfa):
    if cfa.startswith("سرطان ") and rng.random() < 0.25:
        return rng.choice(["کانسر ", "ca "]) + cfa[len("سرطان "):]
    return cfa


def make_intro(rng, g, reg):
    """Return (fa, en, caller) where caller is None when the patient calls."""
    age = rng.randint(34, 88)
    cfa, cen, cg = rng.choice([c for c in CANCERS if g in c[2]])
    cfa = cancer_fa(rng, cfa)
    P = PRON[g]
    man, title = P["man"], P["title"]
    wcen = "a " + cen if cen == "brain tumour" else cen  # after "with"
    art = "an" if str(age)[0] == "8" or age in (11, 18) else "a"
    if reg == "c":
        cl = rng.choice([c for c in CALLERS if g in c[3]])
        v = rng.randrange(4)
        if v == 0:
            return (f"بیمار {title} {age} ساله، {cfa}. {cl[1]} زنگ زده میگه:",
                    f"Patient: {age}-year-old {man}, {cen}. {P['His']} {cl[2]} called and says:", cl)
        if v == 1:
            return (f"{cl[0]} (بیمار: {title} {age} ساله، {cfa}) تماس گرفته، میگه:",
                    f"The patient's {cl[2]} (patient: {age}-year-old {man}, {cen}) called and says:", cl)
        if v == 2:
            return (f"{title} {age} ساله، {cfa}. {cl[1]} میگه", f"{age}-year-old {man}, {cen}. {P['His']} {cl[2]} says:", cl)
        return (f"تماس {cl[0]}، بیمار {title} {age} ساله با {cfa}:",
                f"Call from the patient's {cl[2]}; the patient is {art} {age}-year-old {man} with {wcen}:", cl)
    # formal
    if rng.random() < 0.15:
        v = rng.randrange(2)
        if v == 0:
            return (f"بیمار {title} {age} ساله مبتلا به {cfa} شخصاً تماس گرفته است.",
                    f"The patient, {art} {age}-year-old {man} with {wcen}, called personally.", None)
        return (f"بیمار {title} {age} ساله با تشخیص {cfa} خودش تماس گرفت.",
                f"The patient, {art} {age}-year-old {man} diagnosed with {wcen}, made the call {P['him']}self.", None)
    cl = rng.choice([c for c in CALLERS if g in c[3]])
    v = rng.randrange(5)
    if v == 0:
        return (f"بیمار {title} {age} ساله مبتلا به {cfa}، {cl[0]} تماس گرفته و اظهار داشت:",
                f"The patient is {art} {age}-year-old {man} with {wcen}; the patient's {cl[2]} called and stated:", cl)
    if v == 1:
        return (f"{cl[0]} تماس گرفت. بیمار {title} {age} ساله با تشخیص {cfa}.",
                f"The patient's {cl[2]} called. The patient is {art} {age}-year-old {man} diagnosed with {wcen}.", cl)
    if v == 2:
        return (f"تماس از طرف {cl[0]}. بیمار {title} {age} ساله، مبتلا به {cfa}.",
                f"Call from the patient's {cl[2]}. The patient is {art} {age}-year-old {man} with {wcen}.", cl)
    if v == 3:
        return (f"بیمار {title} {age} ساله، {cfa}.", f"Patient: {age}-year-old {man}, {cen}.", cl)
    return (f"بیمار {title} {age} ساله مبتلا به {cfa}. {cl[0]} تماس گرفته است.",
            f"The patient is {art} {age}-year-old {man} with {wcen}. The patient's {cl[2]} called.", cl)


FA_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


def spell(rng, fa, tags):
    """Vary spelling habits: ZWNJ, Arabic yeh/kaf, Persian/Latin digits."""
    if rng.random() < 0.35:
        fa = re.sub(r"(?<!\S)(ن?)می\u200c", r"\1می", fa).replace("\u200c", " ")
        tags.add("spelling_no_zwnj")
    if rng.random() < 0.07:
        fa = fa.replace("ی", "ي").replace("ک", "ك")
        tags.add("spelling_arabic_yeh_kaf")
    if any(ch.isdigit() for ch in fa):
        if rng.random() < 0.72:
            fa = fa.translate(FA_DIGITS)
            tags.add("digits_persian")
        else:
            tags.add("digits_latin")
    return fa


def parse(c):
    reg, pos, men, tags, fa, en = c
    d = dict(reg=reg, pos=set(K[x] for x in pos.split()), men=set(K[x] for x in men.split()),
             tags=set(tags.split()), fa=fa, en=en)
    # a sentence saying the patient is NOT weak / is alert also rules out the other one in the
    # same record ("no weakness, does own tasks" next to "unresponsive" would contradict), and
    # "good appetite" is not combined with vomiting/nausea sentences.
    d["block"] = set(d["pos"] | d["men"])
    if not d["pos"] and d["men"] & {"fatigue", "consciousness"} and d["tags"] & {"neg", "rsv"}:
        d["block"] |= {"fatigue", "consciousness"}
    if not d["pos"] and "appetite_loss" in d["men"] and "neg" in d["tags"]:
        d["block"] |= {"gastrointestinal"}
    # an unresponsive patient cannot, in the same note, walk, talk, complain, cry or eat
    d["unresp"] = any(u in fa for u in UNRESPONSIVE)
    d["active"] = bool(d["pos"] & {"psychological", "sleep", "fatigue", "appetite_loss", "pain"}) or any(
        w in fa for w in ACTIVE_WORDS)
    return d


UNRESPONSIVE = ["صداش میکنیم جواب نمیده", "به تحریکات پاسخ نمی", "چشماش بسته", "چشماشو باز نمیکنه",
                "به هوش نیومده", "بیهوش شد", "سطح هوشیاری بیمار از دیروز", "به سختی بیدار"]
ACTIVE_WORDS = ["میگه", "شکایت", "دستشویی", "راه", "گریه", "داد", "میپرسه", "حرف", "میخوره", "تمایل",
                "صحبت", "وایسه", "خودش", "سرحال", "آروم شده", "بیقرار", "بی‌قرار", "کارهای شخصی",
                "سوزش", "نفس میکشه", "حالش"]


def main():
    rng = random.Random(SEED)
    clauses = [parse(c) for c in CLAUSES]
    weight = {k: 1.0 for k in KEYS}
    weight.update(pain=1.7, gastrointestinal=1.6, fatigue=1.5, respiratory=1.5, seizure=0.8, cost=0.8, visit_request=0.9)
    pos_count = Counter()
    clause_use = Counter()
    records, seen = [], set()
    DRUGS = ["مورفین", "ترامادول", "اندانسترون", "دگزامتازون", "لاکتولوز", "فنی", "لوتیراستام",
             "استامینوفن", "هالوپریدول", "اکسیژن"]

    trap_count = Counter()

    def pick(cands):
        cands = sorted(cands, key=lambda c: clause_use[c["fa"]] + rng.random() * 1.5
                       + (0.15 * min(trap_count[m] for m in c["men"]) if (c["men"] and not c["pos"]) else 0))
        return cands[0]

    # hand-written notes first
    for i, (g, fa, en, pos, tg) in enumerate(FULL_NOTES):
        tags = set(tg.split()) | {"handwritten"}
        labels = {k: False for k in KEYS}
        for x in pos.split():
            labels[K[x]] = True
        for x in FULL_TRAPS.get(i, "").split():
            assert not labels[K[x]], (i, x)
            tags.add("trap:" + K[x])
        records.append(dict(fa=fa, en=fmt(en, g), labels=labels, tags=tags))

    attempts = 0
    while len(records) < len(FULL_NOTES) + N_COMPOSED and attempts < 20000:
        attempts += 1
        g = rng.choice("mf")
        reg = "c" if rng.random() < 0.45 else "f"
        ifa, ien, caller = make_intro(rng, g, reg)
        self_call = caller is None

        def ok(c, used):
            if self_call and (c["reg"] == "c" or "self" in c["tags"] or "همراه بیمار" in c["fa"]
                              or "پرسیدند" in c["fa"] or "سؤال کردند" in c["fa"]):
                return False
            if c["reg"] != reg and not (reg == "f" and not self_call):
                return False
            if caller and (caller[0] in c["fa"] or caller[1] in c["fa"]):
                return False
            if (c["unresp"] and any(x["active"] for x in chosen)) or (c["active"] and any(x["unresp"] for x in chosen)):
                return False
            return not (c["block"] & used)

        chosen, used = [], set()
        kind = rng.random()
        if kind < 0.11:  # no positive features: neutral and/or trap sentences
            n_trap = rng.choice([1, 1, 2, 2, 3])
            for _ in range(n_trap):
                cands = [c for c in clauses if not c["pos"] and ok(c, used) and c["reg"] == (reg if self_call else rng.choice([reg, reg, "f"]))]
                if cands:
                    c = pick(cands)
                    chosen.append(c); used |= c["block"]
        else:
            order = sorted(KEYS, key=lambda k: pos_count[k] / weight[k] + rng.random() * 0.08)
            target = rng.choice(order[:3])
            cands = [c for c in clauses if target in c["pos"] and ok(c, used) and (c["reg"] == reg or rng.random() < 0.25)]
            if not cands:
                continue
            c = pick(cands)
            chosen.append(c); used |= c["block"]
            for _ in range(rng.choice([0, 0, 1, 1, 1, 2, 2, 3])):
                r = rng.random()
                if r < 0.45:
                    cands = [c for c in clauses if not c["pos"] and ok(c, used)]
                else:
                    cands = [c for c in clauses if c["pos"] and ok(c, used)]
                cands = [c for c in cands if c["reg"] == reg or rng.random() < 0.3]
                if cands:
                    c = pick(cands)
                    chosen.append(c); used |= c["block"]
        rng.shuffle(chosen)
        # statements first, then questions/hypotheticals, then operator actions (advice, teaching)
        chosen.sort(key=lambda c: 2 if ("آموزش داده شد" in c["fa"] or "توصیه شد" in c["fa"])
                    else 1 if (c["tags"] & {"q", "hyp"}) else 0)
        neutral_pool = [n for n in NEUTRAL if n[0] == reg]
        if self_call:
            neutral_pool = [n for n in neutral_pool if "همراه بیمار" not in n[1] and "سؤال" not in n[1]]
        if any(c["pos"] for c in chosen):
            neutral_pool = [n for n in neutral_pool if n[1] not in WELLNESS]
        neutrals = []
        if not chosen or rng.random() < 0.3:
            neutrals.append(rng.choice(neutral_pool))
        fa_parts, en_parts = [ifa], [ien]
        tags = set()
        if reg == "f":  # colloquial sentences are quoted together, after the formal ones
            chosen = [c for c in chosen if c["reg"] == "f"] + [c for c in chosen if c["reg"] == "c"]
        quoted_fa, quoted_en = [], []
        for c in chosen:
            cfa, cen = c["fa"], fmt(c["en"], g)
            if c["reg"] == "c" and reg == "f":
                quoted_fa.append(cfa); quoted_en.append(cen)
            else:
                fa_parts.append(cfa); en_parts.append(cen)
            tags |= c["tags"]
            clause_use[c["fa"]] += 1
        if ifa.endswith("اظهار داشت:") and (len(fa_parts) == 1 or not any(
                c["reg"] == "f" and not (c["tags"] & {"q", "hyp"}) for c in chosen[:1])):
            # "stated:" must be followed by a statement; otherwise end the intro plainly
            fa_parts[0] = ifa.replace("تماس گرفته و اظهار داشت:", "تماس گرفته است.")
            en_parts[0] = ien.replace("called and stated:", "called.")
        if quoted_fa:  # quoted speech inside a formal note
            fa_parts.append(f"به گفته {caller[0]}: «{' '.join(quoted_fa)}»")
            en_parts.append(f"According to the patient's {caller[2]}: \"{' '.join(quoted_en)}\"")
            tags.add("quoted_speech_in_formal_note")
        for n in neutrals:
            fa_parts.append(n[1]); en_parts.append(fmt(n[2], g))
            clause_use[n[1]] += 1
        if len(chosen) + len(neutrals) == 0:
            continue
        fa = " ".join(fa_parts)
        en = " ".join(en_parts)
        labels = {k: any(k in c["pos"] for c in chosen) for k in KEYS}
        for c in chosen:
            for m in c["men"]:
                if not labels[m]:
                    tags.add("trap:" + m)
        if len(fa.split()) < 10:
            continue
        tags.add("register_colloquial" if reg == "c" else "register_formal")
        if self_call:
            tags.add("patient_is_caller")
        fa = spell(rng, fa, tags)
        if fa in seen:
            continue
        seen.add(fa)
        for k in KEYS:
            pos_count[k] += labels[k]
            trap_count[k] += ("trap:" + k) in tags
        records.append(dict(fa=fa, en=en, labels=labels, tags=tags))

    # interleave hand-written notes through the file, deterministically
    full, comp = records[:len(FULL_NOTES)], records[len(FULL_NOTES):]
    out, step = [], max(1, len(comp) // len(full))
    for i, r in enumerate(comp):
        if i % step == 0 and full:
            out.append(full.pop(0))
        out.append(r)
    out.extend(full)

    with open(os.path.join(HERE, "demo.jsonl"), "w", encoding="utf-8") as f:
        for i, r in enumerate(out, 1):
            f.write(json.dumps({"id": f"demo-{i:04d}", "text": r["fa"], "language": "fa",
                                "translation": r["en"], "labels": r["labels"]}, ensure_ascii=False) + "\n")

    # statistics for the README
    pos = Counter(); ph = Counter()
    for r in out:
        npos = sum(r["labels"].values())
        for k in KEYS:
            pos[k] += r["labels"][k]
        t = r["tags"]
        ph["negation"] += "neg" in t
        ph["resolved_or_past"] += "rsv" in t
        ph["hypothetical"] += "hyp" in t
        ph["question"] += "q" in t
        ph["other_persons_symptom"] += "oth" in t
        ph["callers_own_symptom"] += "self" in t
        ph["no_feature"] += npos == 0
        ph["one_feature"] += npos == 1
        ph["multi_feature"] += npos >= 2
        ph["handwritten_whole_note"] += "handwritten" in t
        for x in ["register_formal", "register_colloquial", "quoted_speech_in_formal_note", "patient_is_caller",
                  "spelling_no_zwnj", "spelling_arabic_yeh_kaf", "digits_persian", "digits_latin"]:
            ph[x] += x in t
        ph["drug_named"] += any(d in r["fa"].replace("ي", "ی").replace("ك", "ک") for d in DRUGS)
    paraphrases = {k: len({c["fa"] for c in clauses if k in c["pos"]}) for k in KEYS}
    traps = Counter(t[5:] for r in out for t in r["tags"] if t.startswith("trap:"))
    write_readme(out, pos, ph, paraphrases, traps)
    return out, pos, ph, paraphrases, traps


PH_DESC = [
    ("negation", "negated mention (\"تب ندارد\", \"درد نداره\", \"تنگی نفس ندارد\")", "false"),
    ("resolved_or_past", "resolved or past symptom (\"قبلاً تشنج داشته ولی الان نه\", \"دیگه استفراغ نمیکنه\", \"دردش با مورفین برطرف شده\")", "false"),
    ("hypothetical", "hypothetical / conditional / possible future (\"اگر تب کرد چه کنیم؟\", \"پزشک گفته احتمال تشنج وجود دارد\")", "false"),
    ("question", "question about a symptom or drug (\"آیا این دارو خواب‌آور است؟\", \"آیا مورفین باعث یبوست می‌شود؟\")", "false"),
    ("other_persons_symptom", "symptom of another person (\"برادرش تب داره\", \"نوه‌اش اسهال گرفته\")", "false"),
    ("callers_own_symptom", "the caller's own symptom (\"خودم از نگرانی خوابم نمیبره\", \"خودم دیگه خسته شدم\")", "false"),
    ("no_feature", "records with no positive feature (refills, stable patient, admin questions, traps only)", "all false"),
    ("one_feature", "records with exactly one positive feature", ""),
    ("multi_feature", "records with two or more positive features", ""),
    ("handwritten_whole_note", "hand-written whole notes (not composed from sentences)", ""),
    ("register_formal", "composed records in the formal operator register", ""),
    ("register_colloquial", "composed records in colloquial quoted speech of a relative", ""),
    ("quoted_speech_in_formal_note", "formal notes that quote the relative (\"به گفته دختر بیمار: «...»\")", ""),
    ("patient_is_caller", "composed records where the patient called", ""),
    ("spelling_no_zwnj", "ZWNJ dropped (\"میکند\" instead of \"می‌کند\")", ""),
    ("spelling_arabic_yeh_kaf", "Arabic ي / ك instead of Persian ی / ک", ""),
    ("digits_persian", "numbers written with Persian digits", ""),
    ("digits_latin", "numbers written with Latin digits", ""),
    ("drug_named", "a drug or oxygen therapy named (مورفین، ترامادول، اندانسترون، دگزامتازون، ...)", ""),
]


def write_readme(out, pos, ph, par, traps):
    n = len(out)
    rows = "\n".join(f"| {k} | {pos[k]} | {n - pos[k]} | {traps[k]} | {par[k]} |" for k in KEYS)
    phrows = "\n".join(f"| {name} | {desc} | {ph[name]} | {lab} |" for name, desc, lab in PH_DESC)
    wc = [len(r["fa"].split()) for r in out]
    text = README_TEMPLATE.format(wmin=min(wc), wmax=max(wc), wmean=round(sum(wc) / n, 1), n=n, rows=rows, phrows=phrows, seed=SEED,
                                  n_full=ph["handwritten_whole_note"], n_comp=n - ph["handwritten_whole_note"])
    with open(os.path.join(HERE, "README.md"), "w", encoding="utf-8") as f:
        f.write(text)


README_TEMPLATE = """# Synthetic demo dataset (Persian palliative-care call notes)

`demo.jsonl` holds {n} **entirely synthetic** records written for ClinicalAspire. No real
patient data was used and nothing was copied from any other dataset or publication: every
Persian sentence and its English translation was authored for this project. The notes contain
no names; ages, diagnoses, doses and events are invented. The data exists to demo and test the pipeline (translation,
extraction, evaluation); it is **not** a benchmark and says nothing about real-world accuracy.

## Record format

One JSON object per line, UTF-8:

```json
{{"id": "demo-0001", "text": "<Persian note>", "language": "fa",
 "translation": "<English reference translation>",
 "labels": {{"visit_request": false, "psychological": false, "sleep": false, "appetite_loss": false,
            "seizure": false, "fatigue": false, "consciousness": false, "fever": false,
            "respiratory": false, "cost": false, "urinary": false, "pain": false,
            "gastrointestinal": false}}}}
```

- `id`: `demo-0001` ... sequential; `language`: always `fa`.
- `translation`: a faithful English reference translation (no additions or omissions; numbers,
  doses and drug names kept). Persian has no grammatical gender; the translation uses he/she
  according to the patient's title (آقای / خانم) or the relative's words (بابام، مامانم، خانمش، شوهرش).
- `labels`: all 13 study features (keys and order as in `data/catalogue/features.json`), booleans.

## How it was made

`generate_demo.py` (Python 3, standard library, deterministic, seed {seed}) rebuilds
`demo.jsonl` and this README. It contains:

- {n_full} hand-written whole notes with hand-assigned labels;
- {n_comp} records composed from a hand-written intro (patient's age, sex, cancer type and who
  called) plus 1-4 hand-written sentences, each sentence carrying its own labels. A record's
  labels are the OR of its sentences' positive labels. Two sentences about the same feature are
  never combined, so a negated/resolved mention can never contradict a positive one. Formal
  notes may quote the relative's colloquial words (`به گفته دختر بیمار: «...»`). Simple
  consistency rules keep combinations plausible: a sentence describing an unresponsive patient
  is never combined with one where the patient talks, walks, eats or complains; "well/stable"
  sentences only appear in notes without positive features; a relative never reports a
  symptom of the relative who is calling.
- Spelling variation applied per record: ZWNJ dropped, Arabic ي/ك, Persian or Latin digits.

Lengths: {wmin}-{wmax} words per note (mean {wmean}).

## Labelling rule (as in the study)

A feature is `true` **only when the text explicitly states it for the patient, now**.
Negated, resolved/past, hypothetical, asked-about, or someone else's (a relative's, the
caller's own) symptom -> `false`. Specific choices:

- `visit_request`: true only if a visit/examination by a doctor or nurse is explicitly requested
  (home visit, clinic appointment, "send a nurse"); a past visit, a scheduled appointment, asking
  clinic hours or "no need for the doctor to come" -> false.
- `cost`: true for explicit payment, price or insurance-coverage problems; asking whether a drug is
  covered, or reporting that insurance pays, -> false.
- `consciousness` covers confusion, not recognising family, unresponsiveness and abnormal
  drowsiness / hard to rouse; `sleep` covers insomnia, waking at night, reversed sleep cycle.
- `psychological` covers anxiety, depression, crying, agitation/restlessness, fear,
  hallucinations and delirious talk.
- `fatigue` covers weakness, tiredness, listlessness (بی‌حالی), "no strength to get up".
- Hiccups, bloating, dysphagia, constipation, diarrhoea, nausea and vomiting -> `gastrointestinal`.
- Pain that is "better but still there" stays `true`; pain "relieved/gone" is `false`.

## Counts per feature

Positives / negatives over all {n} records; "trap" = records that mention the feature but
label it false (negated, resolved, hypothetical, question, someone else's). "Sentences" = distinct hand-written positive
sentences for the feature in the composition pool (paraphrases), not counting whole notes.

| feature | positive | negative | trap mentions | positive sentences |
|---|---|---|---|---|
{rows}

## Phenomena covered (number of records)

| phenomenon | description | records | label |
|---|---|---|---|
{phrows}

Registers: formal operator notes ("بیمار آقای ۶۵ ساله مبتلا به سرطان معده، پسر بیمار تماس گرفته و
اظهار داشت ...") and colloquial quoted speech ("دخترش میگه از دیشب نفسش بالا نمیاد",
"لب به غذا نمیزنه", "صداش میکنیم جواب نمیده"). Callers: son, daughter, wife, husband,
daughter-in-law, brother, sister, grandchild, companion, the patient. Cancer types: stomach,
breast, lung, colon, pancreas, liver, bladder, prostate, ovary, uterus, cervix, oesophagus,
larynx, kidney, gallbladder, testis, brain tumour, leukaemia, lymphoma, sarcoma.

## Limitations

- Composed records reuse the same hand-written sentences (each about 3 times on average, in
  different combinations, with different intros and spelling); models can learn the surface
  forms, so do not treat scores on this set as evidence of real-world performance.
- Labels follow one annotator's reading of the feature definitions; borderline phrasings
  (e.g. abnormal drowsiness -> `consciousness`, not `sleep`) are documented above.
- Spelling variation is applied to whole records, not word by word.

## Regenerating and checking

```
python3 data/demo/generate_demo.py
```

prints the counts above. Every line is valid JSON with exactly the five fields, 13 boolean labels,
sequential unique ids and no duplicate notes.
"""


if __name__ == "__main__":
    out, pos, ph, par, traps = main()
    n = len(out)
    print("records", n)
    for k in KEYS:
        print(f"{k:18s} pos={pos[k]:4d} neg={n - pos[k]:4d} traps={traps[k]:3d} distinct_positive_sentences={par[k]}")
    for k, v in ph.items():
        print(f"{k:30s} {v}")

using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntimeGenAI;
using Onnx;

namespace ClinicalAspire.TinyModel;

/// <summary>What the tiny decoder answers and how its folder looks.</summary>
public sealed record TinyDecoderSpec
{
    /// <summary>The text the model generates after the last assistant tag, token by token.</summary>
    public required string Answer { get; init; }

    /// <summary>Emit this end-of-turn special token after the answer and before EOS (null: EOS right after the answer).</summary>
    public string? EndOfTurnToken { get; init; } = "<|end|>";

    /// <summary>Words that get BPE merges (so they become single tokens); null = every word of the answer.</summary>
    public IReadOnlyList<string>? MergeWords { get; init; }

    /// <summary>Folder name of the model (the engines report it as the model id).</summary>
    public string Name { get; init; } = "tiny-decoder";

    public int ContextLength { get; init; } = 32768;

    /// <summary>ONNX Runtime threads per generation (genai_config session_options); null: the runtime's default (every core).</summary>
    public int? IntraOpThreads { get; init; }
}

/// <summary>
/// Builds, at test time, a complete ONNX Runtime GenAI model folder (genai_config.json, model.onnx,
/// tokenizer.json, tokenizer_config.json) for a few-hundred-KB "decoder" that answers every chat prompt
/// with one planted text. Test projects and the benchmarks reuse it: it depends only on OnnxSharp, Google.Protobuf
/// and Microsoft.ML.OnnxRuntimeGenAI.
/// <para>
/// How it answers: the KV cache carries the token ids seen so far (present = Concat(past, ids)). The graph finds
/// the last occurrence of the <c>&lt;|assistant|&gt;</c> tag in that history, takes the number of tokens after it
/// as a position k, and returns row k of a [L, V] logits table whose row k points at the k-th answer token
/// (then the end-of-turn token, then EOS). The next token therefore depends on the position inside the answer,
/// not on the previous token, so answers may repeat words ("True", ",") freely.
/// </para>
/// </summary>
public static class TinyDecoderBuilder
{
    public const string EndOfText = "<|endoftext|>";
    public const string System = "<|system|>";
    public const string User = "<|user|>";
    public const string Assistant = "<|assistant|>";
    public const string End = "<|end|>";

    /// <summary>The chat template (Jinja) written to tokenizer_config.json.</summary>
    public const string ChatTemplate =
        "{% for message in messages %}{{ '<|' + message['role'] + '|>' + message['content'] + '<|end|>' }}{% endfor %}" +
        "{% if add_generation_prompt %}{{ '<|assistant|>' }}{% endif %}";

    private const int HeadSize = 4;
    private const int KvHeads = 2;

    /// <summary>Builds a folder named "tiny-decoder" under <paramref name="parentDirectory"/> that answers <paramref name="answer"/>.</summary>
    public static string Build(string parentDirectory, string answer) =>
        Build(parentDirectory, new TinyDecoderSpec { Answer = answer });

    /// <summary>Builds the model folder under <paramref name="parentDirectory"/> and returns its path.</summary>
    public static string Build(string parentDirectory, TinyDecoderSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var folder = Path.Combine(parentDirectory, spec.Name);
        Directory.CreateDirectory(folder);

        var vocab = BuildVocabulary(spec);
        File.WriteAllText(Path.Combine(folder, "tokenizer.json"), vocab.TokenizerJson());
        File.WriteAllText(Path.Combine(folder, "tokenizer_config.json"), TokenizerConfigJson());
        File.WriteAllText(Path.Combine(folder, "genai_config.json"), GenAiConfigJson(vocab, spec.ContextLength, spec.IntraOpThreads));

        // A placeholder graph lets GenAI load the folder; its own tokenizer then tells which ids the answer has.
        WriteModel(Path.Combine(folder, "model.onnx"), vocab, [vocab.EndOfTextId]);
        int[] answerIds = EncodeWithGenAi(folder, spec.Answer, vocab);

        var chain = new List<int>(answerIds);
        if (spec.EndOfTurnToken is { } eot)
        {
            chain.Add(vocab.SpecialId(eot));
        }
        chain.Add(vocab.EndOfTextId);
        WriteModel(Path.Combine(folder, "model.onnx"), vocab, chain);
        return folder;
    }

    /// <summary>Token ids of <paramref name="text"/> with the folder's own tokenizer (specials removed).</summary>
    private static int[] EncodeWithGenAi(string folder, string text, Vocabulary vocab)
    {
        using var model = new Model(folder);
        using var tokenizer = new Tokenizer(model);
        using var sequences = tokenizer.Encode(text);
        var ids = sequences[0].ToArray();
        return ids.Where(id => id != vocab.EndOfTextId).ToArray();
    }

    // ---------------------------------------------------------------- tokenizer

    private sealed class Vocabulary
    {
        public List<string> Tokens { get; } = [];
        public Dictionary<string, int> Ids { get; } = new(StringComparer.Ordinal);
        public List<string> Merges { get; } = [];
        public List<string> Specials { get; } = [];

        public int Count => Tokens.Count;
        public int EndOfTextId => Ids[EndOfText];
        public int SpecialId(string token) => Ids.TryGetValue(token, out var id)
            ? id
            : throw new ArgumentException($"'{token}' is not a special token of the tiny model");

        public int Add(string token)
        {
            if (Ids.TryGetValue(token, out var id))
            {
                return id;
            }
            id = Tokens.Count;
            Tokens.Add(token);
            Ids[token] = id;
            return id;
        }

        public string TokenizerJson()
        {
            var vocabObject = new JsonObject();
            foreach (var (token, id) in Ids.Where(kv => !Specials.Contains(kv.Key)).OrderBy(kv => kv.Value))
            {
                vocabObject[token] = id;
            }
            var added = new JsonArray();
            foreach (var special in Specials)
            {
                added.Add(new JsonObject
                {
                    ["id"] = Ids[special],
                    ["content"] = special,
                    ["single_word"] = false,
                    ["lstrip"] = false,
                    ["rstrip"] = false,
                    ["normalized"] = false,
                    ["special"] = true,
                });
            }
            var root = new JsonObject
            {
                ["version"] = "1.0",
                ["truncation"] = null,
                ["padding"] = null,
                ["added_tokens"] = added,
                ["normalizer"] = null,
                ["pre_tokenizer"] = new JsonObject
                {
                    ["type"] = "ByteLevel", ["add_prefix_space"] = false, ["trim_offsets"] = true, ["use_regex"] = true,
                },
                ["post_processor"] = new JsonObject
                {
                    ["type"] = "ByteLevel", ["add_prefix_space"] = true, ["trim_offsets"] = false, ["use_regex"] = true,
                },
                ["decoder"] = new JsonObject
                {
                    ["type"] = "ByteLevel", ["add_prefix_space"] = true, ["trim_offsets"] = true, ["use_regex"] = true,
                },
                ["model"] = new JsonObject
                {
                    ["type"] = "BPE",
                    ["dropout"] = null,
                    ["unk_token"] = null,
                    ["continuing_subword_prefix"] = "",
                    ["end_of_word_suffix"] = "",
                    ["fuse_unk"] = false,
                    ["byte_fallback"] = false,
                    ["vocab"] = vocabObject,
                    ["merges"] = new JsonArray(Merges.Select(m => (JsonNode)JsonValue.Create(m)!).ToArray()),
                },
            };
            return root.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
        }
    }

    private static Vocabulary BuildVocabulary(TinyDecoderSpec spec)
    {
        var vocab = new Vocabulary();
        var byteChars = ByteToUnicode();
        for (int b = 0; b < 256; b++)
        {
            vocab.Add(byteChars[b].ToString());
        }

        var words = spec.MergeWords ?? WordsOf(spec.Answer);
        foreach (var word in words.Distinct(StringComparer.Ordinal))
        {
            var mapped = string.Concat(Encoding.UTF8.GetBytes(word).Select(b => byteChars[b]));
            if (mapped.Length < 2)
            {
                continue;
            }
            // Left-to-right merges: w0+w1, (w0w1)+w2, ... so the whole word can become one token.
            var left = mapped[..1];
            for (int i = 1; i < mapped.Length; i++)
            {
                var right = mapped[i].ToString();
                var merged = left + right;
                if (!vocab.Ids.ContainsKey(merged))
                {
                    vocab.Merges.Add($"{left} {right}");
                    vocab.Add(merged);
                }
                left = merged;
            }
        }

        foreach (var special in new[] { EndOfText, System, User, Assistant, End })
        {
            vocab.Specials.Add(special);
            vocab.Add(special);
        }
        return vocab;
    }

    /// <summary>GPT-2 style pre-tokens of the answer that are worth merging (letters with their leading space).</summary>
    private static List<string> WordsOf(string text)
    {
        var words = new List<string>();
        var current = new StringBuilder();
        foreach (var ch in text)
        {
            if (char.IsLetter(ch) || ch == '\u200c')
            {
                current.Append(ch);
                continue;
            }
            Flush();
            if (ch == ' ')
            {
                current.Append(' ');
            }
        }
        Flush();
        return words;

        void Flush()
        {
            if (current.Length > 1 && current.ToString().Trim().Length > 0)
            {
                words.Add(current.ToString());
            }
            current.Clear();
        }
    }

    private static char[] ByteToUnicode()
    {
        var map = new char[256];
        var printable = new bool[256];
        for (int b = '!'; b <= '~'; b++) printable[b] = true;
        for (int b = 0xA1; b <= 0xAC; b++) printable[b] = true;
        for (int b = 0xAE; b <= 0xFF; b++) printable[b] = true;
        int n = 0;
        for (int b = 0; b < 256; b++)
        {
            map[b] = printable[b] ? (char)b : (char)(256 + n++);
        }
        return map;
    }

    private static string TokenizerConfigJson() => new JsonObject
    {
        ["tokenizer_class"] = "GPT2Tokenizer",
        ["add_bos_token"] = false,
        ["add_prefix_space"] = false,
        ["bos_token"] = EndOfText,
        ["eos_token"] = EndOfText,
        ["unk_token"] = EndOfText,
        ["pad_token"] = EndOfText,
        ["model_max_length"] = 32768,
        ["clean_up_tokenization_spaces"] = false,
        ["chat_template"] = ChatTemplate,
    }.ToJsonString();

    private static string GenAiConfigJson(Vocabulary vocab, int contextLength, int? intraOpThreads)
    {
        var config = GenAiConfig(vocab, contextLength);
        if (intraOpThreads is { } threads)
        {
            // GenAI refuses a null here: the key is written only when set.
            config["model"]!["decoder"]!.AsObject()["session_options"] = new JsonObject { ["intra_op_num_threads"] = threads };
        }
        return config.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    private static JsonObject GenAiConfig(Vocabulary vocab, int contextLength) => new JsonObject
    {
        ["model"] = new JsonObject
        {
            ["type"] = "llama",
            ["bos_token_id"] = vocab.EndOfTextId,
            ["eos_token_id"] = vocab.EndOfTextId,
            ["pad_token_id"] = vocab.EndOfTextId,
            ["vocab_size"] = vocab.Count,
            ["context_length"] = contextLength,
            ["decoder"] = new JsonObject
            {
                ["filename"] = "model.onnx",
                ["head_size"] = HeadSize,
                ["hidden_size"] = HeadSize * KvHeads,
                ["num_attention_heads"] = KvHeads,
                ["num_key_value_heads"] = KvHeads,
                ["num_hidden_layers"] = 1,
                ["inputs"] = new JsonObject
                {
                    ["input_ids"] = "input_ids",
                    ["attention_mask"] = "attention_mask",
                    ["position_ids"] = "position_ids",
                    ["past_key_names"] = "past_key_values.%d.key",
                    ["past_value_names"] = "past_key_values.%d.value",
                },
                ["outputs"] = new JsonObject
                {
                    ["logits"] = "logits",
                    ["present_key_names"] = "present.%d.key",
                    ["present_value_names"] = "present.%d.value",
                },
            },
        },
        ["search"] = new JsonObject
        {
            ["do_sample"] = false,
            ["num_beams"] = 1,
            ["max_length"] = contextLength,
            ["past_present_share_buffer"] = false,
        },
    };

    // ---------------------------------------------------------------- graph

    private static void WriteModel(string path, Vocabulary vocab, IReadOnlyList<int> chain)
    {
        int v = vocab.Count;
        int rows = chain.Count;
        var table = new float[rows * v];
        for (int r = 0; r < rows; r++)
        {
            table[r * v + chain[r]] = 10f;
        }

        var graph = new GraphProto { Name = "tiny_decoder" };
        graph.Input.Add(TensorInput("input_ids", TensorProto.Types.DataType.Int64, "batch", "seq"));
        graph.Input.Add(TensorInput("attention_mask", TensorProto.Types.DataType.Int64, "batch", "total"));
        graph.Input.Add(TensorInput("position_ids", TensorProto.Types.DataType.Int64, "batch", "seq"));
        graph.Input.Add(TensorInput("past_key_values.0.key", TensorProto.Types.DataType.Float, "batch", KvHeads, "past", HeadSize));
        graph.Input.Add(TensorInput("past_key_values.0.value", TensorProto.Types.DataType.Float, "batch", KvHeads, "past", HeadSize));
        graph.Output.Add(TensorInput("logits", TensorProto.Types.DataType.Float, "batch", "seq", v));
        graph.Output.Add(TensorInput("present.0.key", TensorProto.Types.DataType.Float, "batch", KvHeads, "total", HeadSize));
        graph.Output.Add(TensorInput("present.0.value", TensorProto.Types.DataType.Float, "batch", KvHeads, "total", HeadSize));

        graph.Initializer.Add(FloatTensor("table", [rows, v], table));
        graph.Initializer.Add(Int64Tensor("unsq_axes", [2], [1, 3]));
        graph.Initializer.Add(Int64Tensor("kv_shape", [4], [1, KvHeads, 1, HeadSize]));
        graph.Initializer.Add(Int64Tensor("zero_i", [], [0]));
        graph.Initializer.Add(Int64Tensor("one_i", [], [1]));
        graph.Initializer.Add(FloatTensor("one_f", [], [1f]));
        graph.Initializer.Add(FloatTensor("zero_f", [], [0f]));
        graph.Initializer.Add(FloatTensor("last_row_f", [], [rows - 1]));
        graph.Initializer.Add(FloatTensor("marker_f", [], [vocab.SpecialId(Assistant)]));
        graph.Initializer.Add(Int64Tensor("axis1", [1], [1]));
        graph.Initializer.Add(Int64Tensor("vocab_dim", [1], [v]));
        graph.Initializer.Add(Int64Tensor("bs_idx", [2], [0, 1]));

        // present = Concat(past, ids broadcast to [B, H, S, D])
        graph.Node.Add(Node("Cast", ["input_ids"], ["ids_f"], IntAttr("to", (int)TensorProto.Types.DataType.Float)));
        graph.Node.Add(Node("Unsqueeze", ["ids_f", "unsq_axes"], ["ids_u"]));
        graph.Node.Add(Node("Expand", ["ids_u", "kv_shape"], ["ids_e"]));
        graph.Node.Add(Node("Concat", ["past_key_values.0.key", "ids_e"], ["present.0.key"], IntAttr("axis", 2)));
        graph.Node.Add(Node("Concat", ["past_key_values.0.value", "ids_e"], ["present.0.value"], IntAttr("axis", 2)));

        // history [B, T] = present[:, 0, :, 0]
        graph.Node.Add(Node("Gather", ["present.0.key", "zero_i"], ["hist_3"], IntAttr("axis", 1)));
        graph.Node.Add(Node("Gather", ["hist_3", "zero_i"], ["hist"], IntAttr("axis", 2)));

        // last marker position (1-based, 0 when absent) and the offset after it
        graph.Node.Add(Node("Equal", ["hist", "marker_f"], ["is_marker"]));
        graph.Node.Add(Node("Cast", ["is_marker"], ["is_marker_f"], IntAttr("to", (int)TensorProto.Types.DataType.Float)));
        graph.Node.Add(Node("Shape", ["hist"], ["hist_shape"]));
        graph.Node.Add(Node("Gather", ["hist_shape", "one_i"], ["total_len"], IntAttr("axis", 0)));
        graph.Node.Add(Node("Range", ["zero_i", "total_len", "one_i"], ["positions"]));
        graph.Node.Add(Node("Cast", ["positions"], ["positions_f"], IntAttr("to", (int)TensorProto.Types.DataType.Float)));
        graph.Node.Add(Node("Add", ["positions_f", "one_f"], ["positions_1"]));
        graph.Node.Add(Node("Mul", ["is_marker_f", "positions_1"], ["marker_pos"]));
        graph.Node.Add(Node("ReduceMax", ["marker_pos"], ["last_marker"], IntsAttr("axes", [1]), IntAttr("keepdims", 0)));
        graph.Node.Add(Node("Cast", ["total_len"], ["total_len_f"], IntAttr("to", (int)TensorProto.Types.DataType.Float)));
        graph.Node.Add(Node("Sub", ["total_len_f", "last_marker"], ["offset_f"]));
        graph.Node.Add(Node("Clip", ["offset_f", "zero_f", "last_row_f"], ["offset_c"]));
        graph.Node.Add(Node("Cast", ["offset_c"], ["offset"], IntAttr("to", (int)TensorProto.Types.DataType.Int64)));

        // logits [B, S, V]: the table row for every position of the step
        graph.Node.Add(Node("Gather", ["table", "offset"], ["row"], IntAttr("axis", 0)));
        graph.Node.Add(Node("Unsqueeze", ["row", "axis1"], ["row_u"]));
        graph.Node.Add(Node("Shape", ["input_ids"], ["ids_shape"]));
        graph.Node.Add(Node("Concat", ["ids_shape", "vocab_dim"], ["logits_shape"], IntAttr("axis", 0)));
        graph.Node.Add(Node("Expand", ["row_u", "logits_shape"], ["logits"]));

        var model = new ModelProto
        {
            IrVersion = 8,
            ProducerName = "ClinicalAspire.TinyDecoderBuilder",
            Graph = graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 17 });
        File.WriteAllBytes(path, model.ToByteArray());
    }

    private static ValueInfoProto TensorInput(string name, TensorProto.Types.DataType type, params object[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var dim in dims)
        {
            shape.Dim.Add(dim switch
            {
                string param => new TensorShapeProto.Types.Dimension { DimParam = param },
                int value => new TensorShapeProto.Types.Dimension { DimValue = value },
                _ => throw new ArgumentException("dimension must be a name or a size"),
            });
        }
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } },
        };
    }

    private static NodeProto Node(string op, string[] inputs, string[] outputs, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = op, Name = outputs[0] + "_" + op };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        node.Attribute.AddRange(attributes);
        return node;
    }

    private static AttributeProto IntAttr(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    private static AttributeProto IntsAttr(string name, long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }

    private static TensorProto FloatTensor(string name, long[] dims, float[] values)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.AddRange(dims);
        var bytes = new byte[values.Length * sizeof(float)];
        Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
        tensor.RawData = ByteString.CopyFrom(bytes);
        return tensor;
    }

    private static TensorProto Int64Tensor(string name, long[] dims, long[] values)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64 };
        tensor.Dims.AddRange(dims);
        tensor.Int64Data.AddRange(values);
        return tensor;
    }
}

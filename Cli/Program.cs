using System.Text;

Console.OutputEncoding = Encoding.UTF8;
return await new ClinicalAspire.Cli.EvaluatorCli().RunAsync(args, Console.Out, Console.Error);

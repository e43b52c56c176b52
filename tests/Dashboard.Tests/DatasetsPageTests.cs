using System.Text;
using ClinicalAspire.Contracts.Evaluator.V1;
using ClinicalAspire.Dashboard.Components.Pages;
using Microsoft.AspNetCore.Components.Forms;

namespace ClinicalAspire.Dashboard.Tests;

public class DatasetsPageTests : DashboardContext
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public void An_invalid_upload_shows_its_errors_and_stores_nothing()
    {
        Evaluator.Validate = request => new ValidateDatasetResponse
        {
            Valid = false,
            RecordCount = 2,
            Errors = { new ValidationError { Line = 2, RecordId = "x-2", Message = "unknown feature \"itch\"" } },
        };
        var cut = Render<Datasets>();

        cut.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromText("{\"id\": \"x-1\"}\n{\"id\": \"x-2\"}\n", "mine.jsonl"));

        cut.WaitForAssertion(() =>
        {
            var error = cut.Find("[data-testid=validation-error]");
            Assert.Equal("2", error.GetAttribute("data-line"));
            Assert.Contains("unknown feature \"itch\"", error.TextContent, StringComparison.Ordinal);
        }, Wait);
        Assert.Empty(cut.FindAll("[data-testid=upload-import]"));
        Assert.Empty(Evaluator.Imported);
    }

    [Fact]
    public void A_valid_upload_is_previewed_then_imported_on_confirm()
    {
        ImportDatasetRequest? validated = null;
        Evaluator.Validate = request =>
        {
            validated = request;
            return new ValidateDatasetResponse
            {
                Valid = true,
                RecordCount = 1,
                Preview = { new DatasetRecord { Id = "x-1", Text = "تب دارد", Language = "fa", Labels = { ["fever"] = Label.True, ["pain"] = Label.False } } },
            };
        };
        var cut = Render<Datasets>();

        cut.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromText("id,text\nx-1,تب دارد\n", "notes.csv"));

        cut.WaitForAssertion(() => Assert.Contains("1 records", cut.Find("[data-testid=upload-valid]").TextContent, StringComparison.Ordinal), Wait);
        Assert.Equal("csv", validated!.Format);
        Assert.Equal("notes", validated.Name);
        Assert.Equal("id,text\nx-1,تب دارد\n", Encoding.UTF8.GetString(validated.Content.Span));
        var preview = cut.Find("[data-testid=upload-preview] [data-testid=dataset-record]");
        Assert.Equal("rtl", preview.QuerySelector("[data-testid=dataset-note]")!.GetAttribute("dir"));
        Assert.Single(preview.QuerySelectorAll("[data-testid=label-true]"));
        // The "no" shows too, apart from the "yes" in words and by its mark, not by colour alone.
        var no = Assert.Single(preview.QuerySelectorAll("[data-testid=labels-no] [data-testid=label-false]"));
        Assert.Equal("pain", no.GetAttribute("data-feature"));
        Assert.Equal("✗ Pain", no.TextContent);
        Assert.StartsWith("Yes:", preview.QuerySelector("[data-testid=labels-yes]")!.TextContent.Trim(), StringComparison.Ordinal);
        Assert.StartsWith("No:", preview.QuerySelector("[data-testid=labels-no]")!.TextContent.Trim(), StringComparison.Ordinal);
        Assert.Equal("✓ Fever", preview.QuerySelector("[data-testid=label-true]")!.TextContent);
        Assert.Empty(Evaluator.Imported);

        cut.Find("[data-testid=upload-import]").Click();

        cut.WaitForAssertion(() => Assert.Single(Evaluator.Imported), Wait);
        Assert.Equal("csv", Evaluator.Imported[0].Format);
    }

    [Fact]
    public void A_file_of_another_kind_is_refused_before_the_Evaluator_sees_it()
    {
        var called = false;
        Evaluator.Validate = _ => { called = true; return new ValidateDatasetResponse(); };
        var cut = Render<Datasets>();

        cut.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromText("hello", "notes.txt"));

        cut.WaitForAssertion(() => Assert.Contains("neither JSONL nor CSV", cut.Find("[data-testid=upload-error]").TextContent, StringComparison.Ordinal), Wait);
        Assert.False(called);
    }
}

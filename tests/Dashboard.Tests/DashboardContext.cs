using ClinicalAspire.Contracts.Evaluator.V1;
using ClinicalAspire.Dashboard.Security;
using Microsoft.Extensions.DependencyInjection;
using Radzen;

namespace ClinicalAspire.Dashboard.Tests;

/// <summary>A bUnit context with Radzen's services, loose JS interop and the fake Evaluator.</summary>
public abstract class DashboardContext : BunitContext
{
    protected DashboardContext()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        // Radzen's charts measure themselves in the browser; give them a size.
        JSInterop.Setup<Radzen.Blazor.Rendering.Rect>("Radzen.createChart", _ => true).SetResult(new Radzen.Blazor.Rendering.Rect { Width = 800, Height = 300 });
        Services.AddRadzenComponents();
        Services.AddLogging();
        Services.AddSingleton<Evaluator.EvaluatorClient>(Evaluator);
        Services.AddSingleton(new DashboardAccess(false, false, false));
        // Components see an interactive server circuit (they open streams only then).
        SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Server", isInteractive: true));
    }

    protected FakeEvaluator Evaluator { get; } = new();
}

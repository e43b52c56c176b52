using System.Net;
using System.Text.RegularExpressions;
using ClinicalAspire.TestSupport;

namespace ClinicalAspire.Evaluator.Tests;

/// <summary>
/// The Dashboard in Production in front of a Production Evaluator: administrator-key guesses get slower and early ones
/// are answered 429; a signed-in administrator's pages reach the Evaluator with the Dashboard's credential.
/// </summary>
public sealed partial class DashboardAuthTests(SecuredEvaluator stack) : IClassFixture<SecuredEvaluator>
{
    private const string AdminKey = "dashboard-admin-key-for-the-tests-0123456789";

    private Task<ServiceProcess> StartDashboardAsync(string? clientKey) =>
        ServiceProcess.StartAsync("Dashboard.Web", new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Services__evaluator__Address"] = stack.Service.GrpcAddress,
            ["Dashboard__AdminKey"] = AdminKey,
            ["Dashboard__SignIn__BaseDelay"] = "00:00:01",
            ["Auth__ClientKey"] = clientKey ?? "",
        });

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    private static async Task<HttpResponseMessage> PostKeyAsync(HttpClient http, string key)
    {
        var form = await http.GetStringAsync("/login");
        var token = AntiforgeryField().Match(form).Groups[1].Value;
        return await http.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login",
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token),
            ["Input.Key"] = key,
        }));
    }

    private static HttpClient Browser(ServiceProcess dashboard) =>
        new(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() }) { BaseAddress = new Uri(dashboard.HttpAddress) };

    [Fact]
    public async Task Admin_key_guesses_wait_twice_as_long_after_each_failure_and_early_ones_get_429()
    {
        await using var dashboard = await StartDashboardAsync(stack.DashboardKey);
        using var http = Browser(dashboard);

        var first = await PostKeyAsync(http, "guess-1");
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Contains("That key is not right", await first.Content.ReadAsStringAsync());
        var early = await PostKeyAsync(http, "guess-2");
        Assert.Equal(HttpStatusCode.TooManyRequests, early.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(1), early.Headers.RetryAfter?.Delta);

        await Task.Delay(TimeSpan.FromSeconds(1.2));
        Assert.Equal(HttpStatusCode.OK, (await PostKeyAsync(http, "guess-3")).StatusCode);
        var later = await PostKeyAsync(http, "guess-4");
        Assert.Equal(HttpStatusCode.TooManyRequests, later.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(2), later.Headers.RetryAfter?.Delta);

        // Even the right key waits its turn; after the wait it signs in, and the pages reach the Evaluator.
        Assert.Equal(HttpStatusCode.TooManyRequests, (await PostKeyAsync(http, AdminKey)).StatusCode);
        await Task.Delay(TimeSpan.FromSeconds(2.2));
        var signedIn = await PostKeyAsync(http, AdminKey);
        Assert.True(signedIn.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Found or HttpStatusCode.SeeOther, $"{signedIn.StatusCode}");
        var home = await http.GetStringAsync("/");
        Assert.Contains("status-grid", home);
        Assert.DoesNotContain("status-error", home);
    }

    [Fact]
    public async Task Without_its_own_credential_an_admin_key_session_cannot_read_the_evaluator()
    {
        await using var dashboard = await StartDashboardAsync(clientKey: null);
        using var http = Browser(dashboard);
        var signedIn = await PostKeyAsync(http, AdminKey);
        Assert.True(signedIn.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Found or HttpStatusCode.SeeOther, $"{signedIn.StatusCode}");
        var home = await http.GetStringAsync("/");
        Assert.Contains("status-error", home);
    }
}

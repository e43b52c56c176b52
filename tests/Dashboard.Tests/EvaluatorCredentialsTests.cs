using System.Security.Claims;
using ClinicalAspire.Dashboard.Security;

namespace ClinicalAspire.Dashboard.Tests;

/// <summary>Which identity a Dashboard call to the Evaluator carries.</summary>
public sealed class EvaluatorCredentialsTests
{
    private const string DashboardKey = "dashboard-credential";

    private static ClaimsPrincipal User(params Claim[] claims) => new(new ClaimsIdentity(claims, "Cookies"));

    [Fact]
    public void An_oidc_user_calls_with_their_token_and_never_with_the_dashboards_credential()
    {
        var withToken = User(new Claim("sub", "alice"), new Claim(EvaluatorCredentials.AccessTokenClaim, "eyJ.token"));
        Assert.Equal(("authorization", "Bearer eyJ.token"), EvaluatorCredentials.For(withToken, DashboardKey));
        // No token (the provider gave none): no credential at all, rather than the Dashboard's admin one.
        Assert.Null(EvaluatorCredentials.For(User(new Claim("sub", "alice")), DashboardKey));
    }

    [Fact]
    public void An_admin_key_session_and_background_work_call_with_the_dashboards_credential()
    {
        var admin = User(new Claim(ClaimTypes.AuthenticationMethod, AdminKey.AuthenticationMethod));
        Assert.Equal(("x-api-key", DashboardKey), EvaluatorCredentials.For(admin, DashboardKey));
        Assert.Equal(("x-api-key", DashboardKey), EvaluatorCredentials.For(null, DashboardKey));
        Assert.Equal(("x-api-key", DashboardKey), EvaluatorCredentials.For(new ClaimsPrincipal(new ClaimsIdentity()), DashboardKey));
        Assert.Null(EvaluatorCredentials.For(admin, dashboardKey: null));
    }
}

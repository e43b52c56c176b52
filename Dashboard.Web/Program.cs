using System.Security.Claims;
using ClinicalAspire.Contracts.Evaluator.V1;
using ClinicalAspire.Dashboard.Components;
using ClinicalAspire.Dashboard.Hosting;
using ClinicalAspire.Dashboard.Security;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Radzen;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
// The Dashboard reaches only the Evaluator, and never proxies any gRPC service to the browser; it calls as the
// signed-in OIDC user, or with its own credential for administrator-key sessions (Security/EvaluatorCredentials).
builder.AddGrpcServiceClient<Evaluator.EvaluatorClient>("evaluator", sendClientKey: false)
    .AddEvaluatorCredentials(builder.Configuration["Auth:ClientKey"]);

// A direct load hands the prerendered page's state to the circuit in its first message: a comparison of up to 16
// runs' metrics (~5 KB a run once protected). SignalR's 32 KB default refused six runs, and the page never went live.
builder.Services.AddRazorComponents().AddInteractiveServerComponents()
    .AddHubOptions(options => options.MaximumReceiveMessageSize = 256 * 1024);
builder.Services.AddRadzenComponents();
builder.Services.AddHostedService<PageWarmup>();

// Access: open in Development; elsewhere sign-in through OpenID Connect when configured, else the administrator key.
var oidc = builder.Configuration.GetSection("Authentication:Oidc");
var access = new DashboardAccess(
    SignInRequired: !builder.Environment.IsDevelopment(),
    OidcConfigured: !string.IsNullOrWhiteSpace(oidc["Authority"]) && !string.IsNullOrWhiteSpace(oidc["ClientId"]),
    AdminKeyConfigured: !string.IsNullOrEmpty(builder.Configuration[AdminKey.ConfigurationKey]));
builder.Services.AddSingleton(access);
builder.Services.AddSingleton(new AdminKey(builder.Configuration[AdminKey.ConfigurationKey]));
builder.Services.Configure<SignInThrottleOptions>(builder.Configuration.GetSection(SignInThrottleOptions.SectionName));
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton<SignInThrottle>();
builder.Services.AddCascadingAuthenticationState();
if (access.SignInRequired)
{
    var authentication = builder.Services
        .AddAuthentication(options =>
        {
            options.DefaultScheme = CookieAuthenticationDefaults.AuthenticationScheme;
            options.DefaultChallengeScheme = access.OidcConfigured
                ? DashboardAccess.OidcScheme : CookieAuthenticationDefaults.AuthenticationScheme;
        })
        .AddCookie(options =>
        {
            options.Cookie.Name = "ClinicalAspire.Dashboard";
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Lax;
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            options.LoginPath = "/login";
            options.ExpireTimeSpan = TimeSpan.FromHours(8);
            options.SlidingExpiration = true;
            // A session whose access token has expired signs in again rather than meeting UNAUTHENTICATED on every page.
            options.Events.OnValidatePrincipal = context =>
            {
                if (context.Principal?.FindFirst(EvaluatorCredentials.AccessTokenExpiresClaim)?.Value is { } expires
                    && long.TryParse(expires, out var seconds) && DateTimeOffset.FromUnixTimeSeconds(seconds) <= DateTimeOffset.UtcNow)
                {
                    context.RejectPrincipal();
                }
                return Task.CompletedTask;
            };
        });
    if (access.OidcConfigured)
    {
        authentication.AddOpenIdConnect(DashboardAccess.OidcScheme, options =>
        {
            options.Authority = oidc["Authority"];
            options.ClientId = oidc["ClientId"];
            options.ClientSecret = oidc["ClientSecret"];
            options.ResponseType = "code";
            options.UsePkce = true;
            // The access token goes into the cookie as claims (not SaveTokens' authentication properties): interactive
            // circuits see the user's claims but have no HttpContext to read saved tokens from.
            options.SaveTokens = false;
            options.Events.OnTokenValidated = context =>
            {
                if (context.TokenEndpointResponse?.AccessToken is { Length: > 0 } token && context.Principal?.Identity is ClaimsIdentity identity)
                {
                    identity.AddClaim(new Claim(EvaluatorCredentials.AccessTokenClaim, token));
                    if (int.TryParse(context.TokenEndpointResponse.ExpiresIn, out var lifetime))
                    {
                        identity.AddClaim(new Claim(EvaluatorCredentials.AccessTokenExpiresClaim,
                            DateTimeOffset.UtcNow.AddSeconds(lifetime).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture)));
                    }
                }
                return Task.CompletedTask;
            };
            options.GetClaimsFromUserInfoEndpoint = true;
            options.MapInboundClaims = false;
            options.TokenValidationParameters.NameClaimType = "name";
            options.RequireHttpsMetadata = oidc.GetValue("RequireHttpsMetadata", true);
            options.Scope.Clear();
            foreach (var scope in (oidc["Scopes"] ?? "openid profile").Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                options.Scope.Add(scope);
            }
        });
    }
    builder.Services.AddAuthorization();
}

var app = builder.Build();

if (access.SignInRequired && !access.OidcConfigured && !access.AdminKeyConfigured)
{
    app.Logger.LogWarning(
        "Sign-in is required outside Development but neither Authentication:Oidc nor {Key} is configured: nobody can sign in.",
        AdminKey.ConfigurationKey);
}

if (!app.Environment.IsDevelopment())
{
    app.UseExceptionHandler("/error", createScopeForErrors: true);
}
if (access.SignInRequired)
{
    SignInThrottle.UseSignInThrottle(app);
    app.UseAuthentication();
    app.UseAuthorization();
}
// An address no endpoint answers renders the app's own 404 page (with its frame), keeping the 404 status.
app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
app.UseAntiforgery();
app.MapStaticAssets();
var pages = app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
if (access.SignInRequired)
{
    // Every page and the interactive circuit need a signed-in user; /login and /error allow anonymous.
    pages.RequireAuthorization();

    app.MapGet("/account/oidc", (string? returnUrl) => access.OidcConfigured
            ? Results.Challenge(new AuthenticationProperties { RedirectUri = DashboardAccess.SafeReturnUrl(returnUrl) }, [DashboardAccess.OidcScheme])
            : Results.NotFound())
        .AllowAnonymous();
    app.MapPost("/account/logout", async (HttpContext context, IAntiforgery antiforgery) =>
    {
        await antiforgery.ValidateRequestAsync(context);
        await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        if (access.OidcConfigured && context.User.Identity?.IsAuthenticated == true
            && context.User.FindFirst(ClaimTypes.AuthenticationMethod)?.Value != AdminKey.AuthenticationMethod)
        {
            return Results.SignOut(new AuthenticationProperties { RedirectUri = "/" }, [DashboardAccess.OidcScheme]);
        }
        return Results.LocalRedirect("/login");
    }).AllowAnonymous();
}
// /health and /alive stay anonymous in every environment.
app.MapDefaultEndpoints();

app.Run();

public partial class Program;

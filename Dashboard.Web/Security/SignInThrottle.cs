using System.Collections.Concurrent;
using System.Net;

namespace ClinicalAspire.Dashboard.Security;

/// <summary>Section <c>Dashboard:SignIn</c>: how fast administrator-key guesses may come.</summary>
public sealed class SignInThrottleOptions
{
    public const string SectionName = "Dashboard:SignIn";

    /// <summary>Wait after the first failure from a client; doubled with each further failure.</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Failures from all clients together per minute before every attempt waits for the minute to pass.</summary>
    public int GlobalFailuresPerMinute { get; set; } = 30;
}

/// <summary>
/// Slows administrator-key guessing: after each failure a client (by IP address) must wait twice as long as
/// after the one before (up to <see cref="SignInThrottleOptions.MaxDelay"/>), and many failures from everyone at once
/// close sign-in for all for the rest of the minute. An attempt that comes too early is answered 429, unchecked.
/// </summary>
public sealed class SignInThrottle(TimeProvider clock, Microsoft.Extensions.Options.IOptions<SignInThrottleOptions> options)
{
    private const int MaxClients = 10_000;
    private readonly SignInThrottleOptions _options = options.Value;
    private readonly ConcurrentDictionary<string, (int Failures, DateTimeOffset NotBefore)> _clients = new(StringComparer.Ordinal);
    private readonly Lock _global = new();
    private DateTimeOffset _windowStart;
    private int _windowFailures;

    public static string ClientOf(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? IPAddress.None.ToString();

    /// <summary>How long <paramref name="client"/> must still wait; null when it may try now.</summary>
    public TimeSpan? RetryAfter(string client)
    {
        var now = clock.GetUtcNow();
        lock (_global)
        {
            if (now - _windowStart < TimeSpan.FromMinutes(1) && _windowFailures >= _options.GlobalFailuresPerMinute)
            {
                return _windowStart.AddMinutes(1) - now;
            }
        }
        return _clients.TryGetValue(client, out var state) && state.NotBefore > now ? state.NotBefore - now : null;
    }

    public TimeSpan Failed(string client)
    {
        var now = clock.GetUtcNow();
        lock (_global)
        {
            if (now - _windowStart >= TimeSpan.FromMinutes(1))
            {
                (_windowStart, _windowFailures) = (now, 0);
            }
            _windowFailures++;
        }
        if (_clients.Count >= MaxClients)
        {
            Prune(now);
        }
        var state = _clients.AddOrUpdate(client, _ => (1, now + Delay(1)), (_, old) => (old.Failures + 1, now + Delay(old.Failures + 1)));
        return state.NotBefore - now;
    }

    public void Succeeded(string client) => _clients.TryRemove(client, out _);

    private TimeSpan Delay(int failures)
    {
        var delay = _options.BaseDelay * Math.Pow(2, Math.Min(failures - 1, 30));
        return delay < _options.MaxDelay ? delay : _options.MaxDelay;
    }

    /// <summary>Forgets clients whose wait is long over, so many addresses can't grow the map without bound.</summary>
    private void Prune(DateTimeOffset now)
    {
        foreach (var (client, state) in _clients)
        {
            if (state.NotBefore + _options.MaxDelay < now)
            {
                _clients.TryRemove(client, out _);
            }
        }
    }

    /// <summary>Answers 429 with Retry-After to a sign-in post that comes before its client's wait is over.</summary>
    public static IApplicationBuilder UseSignInThrottle(IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (HttpMethods.IsPost(context.Request.Method) && context.Request.Path.Equals("/login", StringComparison.OrdinalIgnoreCase)
            && context.RequestServices.GetRequiredService<SignInThrottle>().RetryAfter(ClientOf(context)) is { } wait)
        {
            var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
            context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await context.Response.WriteAsync($"Too many sign-in attempts: try again in {seconds} s.");
            return;
        }
        await next(context);
    });
}

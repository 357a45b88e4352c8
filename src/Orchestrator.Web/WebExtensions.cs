using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Orchestrator.Contracts;
using Orchestrator.Web.Api;
using Orchestrator.Web.Components;

namespace Orchestrator.Web;

public static class WebExtensions
{
    /// <summary>The UI's services: its settings, the Api's client, sign-in by cookie, and the components.</summary>
    public static TBuilder AddWeb<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddOptions<WebOptions>().BindConfiguration(WebOptions.Section).ValidateSettingsOnStart(WebOptions.Section);
        builder.Services.AddHttpClient<OrchestratorApi>((services, http) =>
            http.BaseAddress = services.GetRequiredService<IOptions<WebOptions>>().Value.Api);
        builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(cookie =>
            {
                cookie.LoginPath = "/signin";
                cookie.LogoutPath = "/signout";
                cookie.AccessDeniedPath = "/denied";
                cookie.Cookie.Name = "orchestrator-web";
                cookie.Cookie.HttpOnly = true;
                cookie.Cookie.SameSite = SameSiteMode.Strict;
                cookie.ExpireTimeSpan = TimeSpan.FromHours(8);
                cookie.SlidingExpiration = true;
            });
        builder.Services.AddAuthorization();
        builder.Services.AddCascadingAuthenticationState();
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        return builder;
    }

    /// <summary>The pages, sign-in and sign-out, the static assets and the health endpoints.</summary>
    public static WebApplication MapWeb(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment())
            app.UseExceptionHandler("/Error", createScopeForErrors: true);
        app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        app.MapDefaultEndpoints();
        app.MapStaticAssets();
        app.MapPost("/signin", SignInAsync);
        app.MapPost("/signout", async (HttpContext http) =>
        {
            await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return Results.LocalRedirect("/signin");
        });
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }

    /// <summary>
    /// Signs in with an API key the Api knows: its name and role come from the Api (<c>GET /api/me</c>), so the UI
    /// keeps no list of keys of its own. A refused key goes back to the form with the reason.
    /// </summary>
    private static async Task<IResult> SignInAsync(
        [FromForm] string? key, [FromForm] string? returnUrl, HttpContext http, OrchestratorApi api, CancellationToken cancellationToken)
    {
        var back = returnUrl is { Length: > 0 } && returnUrl.StartsWith('/') && !returnUrl.StartsWith("//", StringComparison.Ordinal) ? returnUrl : "/";
        if (string.IsNullOrWhiteSpace(key))
            return Results.LocalRedirect($"/signin?error={Uri.EscapeDataString("Give an API key.")}&returnUrl={Uri.EscapeDataString(back)}");
        CallerDetails caller;
        try
        {
            caller = await api.WhoIsAsync(key.Trim(), cancellationToken);
        }
        catch (ApiException refused)
        {
            return Results.LocalRedirect($"/signin?error={Uri.EscapeDataString(refused.Message)}&returnUrl={Uri.EscapeDataString(back)}");
        }
        List<Claim> claims = [new(ClaimTypes.Name, caller.Name), new(WebClaims.ApiKey, key.Trim())];
        if (caller.CanChange)
            claims.Add(new Claim(ClaimTypes.Role, WebClaims.Changer));
        var identity = new ClaimsIdentity(claims, CookieAuthenticationDefaults.AuthenticationScheme);
        await http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(identity));
        return Results.LocalRedirect(back);
    }
}

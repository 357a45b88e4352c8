namespace Orchestrator.Web;

/// <summary>
/// What the sign-in cookie carries: the key's name, whether it may change anything, and the key itself, which the
/// UI sends to the Api for the person. The cookie is encrypted and signed (Data Protection), and the key never
/// reaches the browser's script.
/// </summary>
public static class WebClaims
{
    public const string ApiKey = "orchestrator:api-key";

    /// <summary>The role of a key the Api lets change things; a page shows its buttons only to it.</summary>
    public const string Changer = "changer";
}

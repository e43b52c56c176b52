namespace ClinicalAspire.Dashboard.BrowserTests;

/// <summary>One stack and one browser for every browser test; the tests run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserStackFixture>
{
    public const string Name = "browser";
}

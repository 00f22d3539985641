namespace BitsoWorkflows.Engine.Execution;

/// <summary>No encryption: for hosts without a key ring (tests of the engine alone).</summary>
public sealed class PassThroughParamProtector : IParamProtector
{
    public string Protect(string plaintext) => plaintext;

    public string Unprotect(string protectedText) => protectedText;
}

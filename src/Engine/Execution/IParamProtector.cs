namespace BitsoWorkflows.Engine.Execution;

/// <summary>
/// Encrypts the values of secret params (<see cref="Definitions.ParamDefinition.Secret"/>) for storage in run records,
/// so that a retry gets them back while nothing that shows runs does. The server implements it with its Data Protection
/// key ring; the engine's default, <see cref="PassThroughParamProtector"/>, stores them as they are (still masked on display).
/// </summary>
public interface IParamProtector
{
    string Protect(string plaintext);

    /// <exception cref="System.Security.Cryptography.CryptographicException">The text was protected with a key this host no longer has.</exception>
    string Unprotect(string protectedText);
}

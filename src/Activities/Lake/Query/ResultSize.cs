using System.Collections;

namespace BitsoWorkflows.Activities.Lake;

/// <summary>What a value of a query result costs to hold and send, roughly: strings and blobs by length, other values by their size.</summary>
internal static class ResultSize
{
    public static long Of(object? value) => value switch
    {
        null => 1,
        string s => s.Length + 2,
        byte[] b => b.Length + 2,
        IDictionary d => 2 + d.Cast<DictionaryEntry>().Sum(e => Of(e.Key) + Of(e.Value)),
        IEnumerable list => 2 + list.Cast<object?>().Sum(Of),
        _ => 16,
    };
}

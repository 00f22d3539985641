namespace BitsoWorkflows.Server.Tests.Support;

/// <summary>Files of the repository the tests use as shipped (workflow definitions, queries).</summary>
public static class RepoFiles
{
    public static string Root
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "BitsoWorkflows.sln"))) return dir.FullName;
            throw new DirectoryNotFoundException("the repository root (BitsoWorkflows.sln) is not above " + AppContext.BaseDirectory);
        }
    }

    public static string Workflow(string id) => File.ReadAllText(Path.Combine(Root, "workflows", id + ".json"));
}

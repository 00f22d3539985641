namespace BitsoWorkflows.Activities.MasterData.Questions;

/// <summary>A result column: name and kind (<c>integer</c>, <c>decimal</c> (exact, as text), <c>string</c>, <c>datetime</c>, <c>date</c>, <c>boolean</c>).</summary>
public sealed record AnswerColumn(string Name, string Kind);

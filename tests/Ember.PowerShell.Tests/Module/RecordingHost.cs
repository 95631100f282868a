using System.Collections.Concurrent;
using System.Collections.ObjectModel;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Security;

namespace Ember.PowerShell.Tests.Module;

/// <summary>
/// A non-interactive host that records what the engine shows a user: progress records and host
/// text such as the "What if:" lines of -WhatIf, which reach no stream with the default host.
/// </summary>
public sealed class RecordingHost : PSHost
{
    private readonly RecordingUserInterface _ui = new();

    public override string Name => "EmberTestHost";

    public override Version Version { get; } = new(1, 0);

    public override Guid InstanceId { get; } = Guid.NewGuid();

    public override PSHostUserInterface UI => _ui;

    public override CultureInfo CurrentCulture => CultureInfo.InvariantCulture;

    public override CultureInfo CurrentUICulture => CultureInfo.InvariantCulture;

    /// <summary>Progress records in the order they were written.</summary>
    public ConcurrentQueue<ProgressRecord> Progress => _ui.Progress;

    /// <summary>Lines written to the host (What if: ..., Write-Host).</summary>
    public ConcurrentQueue<string> Lines => _ui.Lines;

    public override void SetShouldExit(int exitCode)
    {
    }

    public override void EnterNestedPrompt() => throw new NotSupportedException("the test host is not interactive");

    public override void ExitNestedPrompt() => throw new NotSupportedException("the test host is not interactive");

    public override void NotifyBeginApplication()
    {
    }

    public override void NotifyEndApplication()
    {
    }

    private sealed class RecordingUserInterface : PSHostUserInterface
    {
        public ConcurrentQueue<ProgressRecord> Progress { get; } = new();

        public ConcurrentQueue<string> Lines { get; } = new();

        public override PSHostRawUserInterface? RawUI => null;

        public override void WriteProgress(long sourceId, ProgressRecord record) => Progress.Enqueue(record);

        public override void Write(string value) => Lines.Enqueue(value);

        public override void Write(ConsoleColor foregroundColor, ConsoleColor backgroundColor, string value) => Lines.Enqueue(value);

        public override void WriteLine(string value) => Lines.Enqueue(value);

        public override void WriteErrorLine(string value) => Lines.Enqueue(value);

        public override void WriteDebugLine(string message) => Lines.Enqueue(message);

        public override void WriteVerboseLine(string message) => Lines.Enqueue(message);

        public override void WriteWarningLine(string message) => Lines.Enqueue(message);

        public override string ReadLine() => throw new NotSupportedException("the test host is not interactive");

        public override SecureString ReadLineAsSecureString() => throw new NotSupportedException("the test host is not interactive");

        public override Dictionary<string, PSObject> Prompt(string caption, string message, Collection<FieldDescription> descriptions) =>
            throw new NotSupportedException("the test host is not interactive");

        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName) =>
            throw new NotSupportedException("the test host is not interactive");

        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName,
            PSCredentialTypes allowedCredentialTypes, PSCredentialUIOptions options) =>
            throw new NotSupportedException("the test host is not interactive");

        public override int PromptForChoice(string caption, string message, Collection<ChoiceDescription> choices, int defaultChoice) =>
            throw new NotSupportedException("the test host is not interactive");
    }
}

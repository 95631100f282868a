// Placeholder entry point so the project builds; the CLI (check, record, run) replaces it.
await Console.Error.WriteLineAsync("ember-agent: no commands yet (sampling lives in Ember.Agent.Sampling)").ConfigureAwait(false);
return 2;

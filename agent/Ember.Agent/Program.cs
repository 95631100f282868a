using Ember.Agent.Cli;

return AgentCommandLine.Run(args);

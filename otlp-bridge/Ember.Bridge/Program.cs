using Ember.Bridge.Cli;

return BridgeCommandLine.Run(args);

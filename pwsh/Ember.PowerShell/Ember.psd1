# Module manifest of Ember, the profiling pipeline's PowerShell module (binary, C# cmdlets).
@{
    RootModule           = 'Ember.PowerShell.dll'
    ModuleVersion        = '0.1.0'
    GUID                 = '5b0f8e5e-3c43-4f4e-9a7e-2f1d8c6a9e41'
    Author               = 'Ember contributors'
    CompanyName          = 'Ember'
    Copyright            = '(c) Ember contributors'
    Description          = 'Runbook and CI cmdlets for a continuous-profiling pipeline: verify it end to end, diff profiles, rank functions by CPU cost, upload debug info.'
    PowerShellVersion    = '7.6'
    CompatiblePSEditions = @('Core')
    FormatsToProcess     = @('Ember.format.ps1xml')
    CmdletsToExport      = @(
        'Import-Profile'
        'Export-Profile'
        'Compare-Profile'
        'Get-ProfileTopFunction'
        'Get-ElfBuildId'
        'Get-Profile'
        'Publish-DebugInfo'
        'Test-ProfilingPipeline'
    )
    FunctionsToExport    = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags       = @('profiling', 'pprof', 'opentelemetry', 'pyroscope', 'parca', 'ebpf')
            ProjectUri = 'https://github.com/ember-profiling/ember'
        }
    }
}

#Requires -Version 7.4
<#
.SYNOPSIS
    Builds, tests and publishes Ember.

.DESCRIPTION
    One entry point for developers and CI, one parameter set per mode. Every native command's exit
    code is checked: a failing step stops the script with a non-zero exit code.

.PARAMETER Build
    Builds Suite.sln (the default mode).

.PARAMETER Test
    Builds Suite.sln in Release and runs every test project. Needs the peers that bash .ci/run
    installs (go, chromium).

.PARAMETER Publish
    Publishes ember-bridge into artifacts/publish/.

.PARAMETER Bpf
    Recompiles bpf/*.bpf.c with the machine's clang and fails when a committed object is stale.

.PARAMETER Configuration
    Debug or Release (Release by default for -Test and -Publish).

.PARAMETER Filter
    With -Test: a dotnet test filter expression, e.g. 'FullyQualifiedName~Peers'.

.EXAMPLE
    ./build.ps1
    Builds everything in Debug.

.EXAMPLE
    ./build.ps1 -Test
    Runs all tests in Release, as CI does (bash .ci/run installs the peers first).

.EXAMPLE
    ./build.ps1 -Test -Filter 'FullyQualifiedName~Codecs'
    Runs only the codec tests.

.EXAMPLE
    ./build.ps1 -Publish
    Publishes ember-bridge to artifacts/publish/ember-bridge.

.EXAMPLE
    ./build.ps1 -Bpf
    Recompiles the BPF programs and checks the committed objects are current.
#>
[CmdletBinding(DefaultParameterSetName = 'Build')]
param(
    [Parameter(ParameterSetName = 'Build')]
    [switch] $Build,

    [Parameter(ParameterSetName = 'Test', Mandatory)]
    [switch] $Test,

    [Parameter(ParameterSetName = 'Test')]
    [string] $Filter,

    [Parameter(ParameterSetName = 'Publish', Mandatory)]
    [switch] $Publish,

    [Parameter(ParameterSetName = 'Bpf', Mandatory)]
    [switch] $Bpf,

    [Parameter(ParameterSetName = 'Build')]
    [Parameter(ParameterSetName = 'Test')]
    [Parameter(ParameterSetName = 'Publish')]
    [ValidateSet('Debug', 'Release')]
    [string] $Configuration
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$root = $PSScriptRoot

function Invoke-Native {
    param([Parameter(Mandatory)] [string] $Command, [string[]] $Arguments = @())
    Write-Host "> $Command $($Arguments -join ' ')" -ForegroundColor Cyan
    & $Command @Arguments
    if ($LASTEXITCODE -ne 0) {
        throw "$Command exited with code $LASTEXITCODE"
    }
}

function Write-FailedTest {
    param([string] $Directory)
    $failed = foreach ($file in Get-ChildItem -Path $Directory -Filter '*.trx' -ErrorAction SilentlyContinue) {
        $trx = [xml](Get-Content -Raw $file.FullName)
        foreach ($result in $trx.TestRun.Results.UnitTestResult | Where-Object outcome -eq 'Failed') {
            $message = "$($result.Output.ErrorInfo.Message)".Trim()
            "FAILED $($result.testName) ($($file.BaseName))`n    " + (($message -split "`n" | Select-Object -First 12) -join "`n    ")
        }
    }
    if ($failed) {
        Write-Host "`n==== $(@($failed).Count) failed test(s) ===="
        $failed | ForEach-Object { Write-Host $_ }
    }
}

switch ($PSCmdlet.ParameterSetName) {
    'Build' {
        $config = if ($Configuration) { $Configuration } else { 'Debug' }
        Invoke-Native dotnet @('build', (Join-Path $root 'Suite.sln'), '-c', $config)
    }
    'Test' {
        $config = if ($Configuration) { $Configuration } else { 'Release' }
        Invoke-Native dotnet @('build', (Join-Path $root 'Suite.sln'), '-c', $config)
        # -m:1 runs the test assemblies one after another: kernel and agent tests measure CPU-burning
        # workloads on shared cores, and a concurrent AOT compile or Chromium would starve them.
        $results = Join-Path $root 'artifacts/test-results'
        Remove-Item -Recurse -Force $results -ErrorAction SilentlyContinue
        $arguments = @('test', (Join-Path $root 'Suite.sln'), '-c', $config, '--no-build', '-m:1', '--logger', 'console;verbosity=normal',
            '--logger', 'trx;LogFilePrefix=ember', '--results-directory', $results)
        if ($Filter) { $arguments += @('--filter', $Filter) }
        try {
            Invoke-Native dotnet $arguments
        }
        finally {
            # A CI log is often read from its end: repeat every failure there, with its message.
            Write-FailedTest -Directory $results
        }
    }
    'Publish' {
        $config = if ($Configuration) { $Configuration } else { 'Release' }
        $output = Join-Path $root 'artifacts/publish/ember-bridge'
        Invoke-Native dotnet @('publish', (Join-Path $root 'otlp-bridge/Ember.Bridge'), '-c', $config, '-o', $output)
        Write-Host "ember-bridge published to $output"
    }
    'Bpf' {
        $sources = @(Get-ChildItem -Path (Join-Path $root 'bpf') -Filter '*.bpf.c' -ErrorAction SilentlyContinue)
        if ($sources.Count -eq 0) {
            Write-Host 'bpf/ holds no *.bpf.c programs yet: nothing to compile.'
            return
        }
        $clang = (Get-Command clang-14, clang -ErrorAction SilentlyContinue | Select-Object -First 1).Source
        if (-not $clang) { throw 'clang (Debian clang-14) is needed to compile BPF programs' }
        $stale = @()
        foreach ($source in $sources) {
            $object = [IO.Path]::ChangeExtension($source.FullName, '.o')
            $fresh = Join-Path ([IO.Path]::GetTempPath()) ("ember-" + [IO.Path]::GetFileName($object))
            Invoke-Native $clang @('-g', '-O2', '-target', 'bpf', '-D__TARGET_ARCH_x86', '-c', $source.FullName, '-o', $fresh)
            Invoke-Native 'llvm-strip-14' @('-g', $fresh)
            if (-not (Test-Path $object) -or (Get-FileHash $object).Hash -ne (Get-FileHash $fresh).Hash) {
                $stale += $object
                Copy-Item $fresh $object -Force
            }
        }
        if ($stale.Count -gt 0) {
            throw "stale BPF objects were rebuilt; commit them: $($stale -join ', ')"
        }
        Write-Host 'BPF objects are current.'
    }
}

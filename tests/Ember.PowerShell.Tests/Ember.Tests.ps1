# Pester 5 tests of the Ember module as its users drive it. Run by the xunit host
# (Pester/PesterSuiteTests.cs, so `build.ps1 -Test` and .ci/run fail when one fails, writing
# artifacts/test-results/pester.xml), or by hand with the module built:
#   Invoke-Pester ./Ember.Tests.ps1 -CI     (from tests/Ember.PowerShell.Tests)

BeforeAll {
    if (-not (Get-Module Ember)) {
        Import-Module (Join-Path $PSScriptRoot '../../artifacts/bin/Ember.PowerShell/release/Ember.psd1')
    }
}

Describe 'The module' {
    It 'exports only approved verbs' {
        $approved = (Get-Verb).Verb
        Get-Command -Module Ember | Where-Object { $_.Verb -notin $approved } | Should -BeNullOrEmpty
    }

    It 'documents <_> with a synopsis and an example' -ForEach @(
        'Import-Profile', 'Export-Profile', 'Get-Profile', 'Compare-Profile', 'Get-ProfileTopFunction',
        'Get-ElfBuildId', 'Publish-DebugInfo', 'Test-ProfilingPipeline') {
        $help = Get-Help $_ -Full
        $help.Synopsis.Trim() | Should -Not -BeNullOrEmpty
        @($help.examples.example).Count | Should -BeGreaterThan 0
    }
}

Describe 'Import-Profile and Export-Profile' {
    BeforeEach {
        Set-Content -Path "$TestDrive/cpu.folded" -Value "main;hot 6", "main;cold 3"
    }

    It 'reads a folded file from the pipeline and says its format' {
        $profile = Get-Item "$TestDrive/cpu.folded" | Import-Profile
        $profile.Format | Should -Be 'folded'
        $profile.SampleCount | Should -Be 2
    }

    It 'round-trips folded stacks through pprof' {
        Import-Profile "$TestDrive/cpu.folded" | Export-Profile "$TestDrive/cpu.pb.gz"
        Import-Profile "$TestDrive/cpu.pb.gz" | Export-Profile "$TestDrive/back.folded"
        Get-Content "$TestDrive/back.folded" | Sort-Object | Should -Be @('main;cold 3', 'main;hot 6')
    }

    It 'writes nothing with -WhatIf' {
        Import-Profile "$TestDrive/cpu.folded" | Export-Profile "$TestDrive/none.pb.gz" -WhatIf
        "$TestDrive/none.pb.gz" | Should -Not -Exist
    }

    It 'reports a missing file as an error and goes on with the next' {
        $profiles = Import-Profile "$TestDrive/missing.folded", "$TestDrive/cpu.folded" -ErrorVariable failures -ErrorAction SilentlyContinue
        @($profiles).Count | Should -Be 1
        @($failures).Count | Should -Be 1
    }
}

Describe 'Get-ProfileTopFunction' {
    It 'ranks functions by their own samples' {
        Set-Content -Path "$TestDrive/top.folded" -Value "main;hot 6", "main;cold 3", "main 1"
        $rows = Get-ProfileTopFunction "$TestDrive/top.folded" -Top 2
        $rows.Function | Should -Be @('hot', 'cold')
        $rows[0].Share | Should -Be 0.6
    }
}

Describe 'Compare-Profile' {
    It 'writes no diff files with -WhatIf' {
        Set-Content -Path "$TestDrive/a.folded" -Value "main;hot 5"
        Import-Profile "$TestDrive/a.folded" | Export-Profile "$TestDrive/a.pb.gz"
        Compare-Profile "$TestDrive/a.pb.gz" "$TestDrive/a.pb.gz" -OutFile "$TestDrive/d.html" -WhatIf | Should -Not -BeNullOrEmpty
        "$TestDrive/d.html" | Should -Not -Exist
    }
}

Describe 'Get-ElfBuildId' {
    It 'agrees with readelf -n on the GNU build ID of /bin/ls' {
        $readelf = (& readelf -n /bin/ls) -join "`n"
        $expected = [regex]::Match($readelf, 'Build ID: ([0-9a-f]+)').Groups[1].Value
        $expected | Should -Not -BeNullOrEmpty
        (Get-ElfBuildId -LiteralPath /bin/ls).GnuBuildId | Should -Be $expected
    }

    It 'refuses a file that is not ELF with the path as the target' {
        Set-Content -Path "$TestDrive/not-elf" -Value 'text'
        Get-ElfBuildId -LiteralPath "$TestDrive/not-elf" -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures[0].TargetObject | Should -BeLike '*not-elf'
    }
}

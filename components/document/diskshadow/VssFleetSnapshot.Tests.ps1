# Pester 5 tests of VssFleetSnapshot.ps1's pure functions. They need Windows PowerShell or pwsh with
# Pester (Invoke-Pester ./components/document/diskshadow); they do not run on the project's Linux CI.
BeforeAll {
    . (Join-Path $PSScriptRoot 'VssFleetSnapshot.ps1')
}

Describe 'ConvertTo-EbsVolumeId' {
    It 'maps an NVMe EBS serial to its volume id' {
        ConvertTo-EbsVolumeId -SerialNumber 'vol0123456789abcdef0_00000001.' | Should -Be 'vol-0123456789abcdef0'
    }
    It 'maps an AWS PV serial to its volume id' {
        ConvertTo-EbsVolumeId -SerialNumber 'vol-0123456789abcdef0' | Should -Be 'vol-0123456789abcdef0'
    }
    It 'ignores instance store and other disks' {
        ConvertTo-EbsVolumeId -SerialNumber 'AWS1A2B3C4D5E6F7G8H9' | Should -BeNullOrEmpty
        ConvertTo-EbsVolumeId -SerialNumber '' | Should -BeNullOrEmpty
    }
}

Describe 'Get-EbsVolumeMap' {
    BeforeAll {
        $disks = @(
            [pscustomobject]@{ Number = 0; SerialNumber = 'vol0aaaaaaaaaaaaaaaaa' },
            [pscustomobject]@{ Number = 1; SerialNumber = 'vol0bbbbbbbbbbbbbbbbb' },
            [pscustomobject]@{ Number = 2; SerialNumber = 'AWS-INSTANCE-STORE' }
        )
        $partitions = @(
            [pscustomobject]@{ DiskNumber = 0; AccessPaths = @('C:\', '\\?\Volume{1111}\') },
            [pscustomobject]@{ DiskNumber = 1; AccessPaths = @('D:\', 'C:\Mount01\', '\\?\Volume{2222}\') },
            [pscustomobject]@{ DiskNumber = 2; AccessPaths = @('Z:\') }
        )
    }
    It 'maps each EBS volume to its drive letters and folder mount points' {
        $map = @(Get-EbsVolumeMap -Disks $disks -Partitions $partitions -BootDiskNumber '0')
        $map.Count | Should -Be 2
        $map[1].VolumeId | Should -Be 'vol-0bbbbbbbbbbbbbbbbb'
        $map[1].Paths | Should -Be @('D:\', 'C:\Mount01\')
    }
    It 'leaves the boot volume out when asked' {
        $map = @(Get-EbsVolumeMap -Disks $disks -Partitions $partitions -BootDiskNumber '0' -ExcludeBootVolume)
        $map.VolumeId | Should -Be @('vol-0bbbbbbbbbbbbbbbbb')
    }
}

Describe 'New-DiskShadowScript' {
    It 'puts every volume in one set with writers taking part' {
        $text = New-DiskShadowScript -Paths @('C:\', 'D:\') -ExecCommand 'C:\x\snapshot.cmd' -MetadataPath 'C:\x\m.cab'
        $text | Should -Match 'set context persistent\r\n'
        $text | Should -Match 'add volume "C:\\" alias vssfleet0\r\nadd volume "D:\\" alias vssfleet1\r\ncreate\r\nexec "C:\\x\\snapshot.cmd"\r\ndelete shadows set %VSS_SHADOW_SET%\r\nend backup'
    }
    It 'excludes writers only when asked' {
        New-DiskShadowScript -Paths @('C:\') -ExecCommand 'x.cmd' -MetadataPath 'm.cab' -NoWriters | Should -Match 'set context persistent nowriters'
    }
}

Describe 'ConvertFrom-TagString and New-SnapshotTagList' {
    It 'parses the document tag format in order' {
        $tags = ConvertFrom-TagString -Text 'Key=vss-fleet:environment,Value=prod;Key=CostCenter,Value=42'
        @($tags.Keys) | Should -Be @('vss-fleet:environment', 'CostCenter')
    }
    It 'rejects anything else' {
        { ConvertFrom-TagString -Text 'environment=prod' } | Should -Throw
    }
    It 'adds the instance, set, paths and consistency tags' {
        $list = New-SnapshotTagList -Tags ([ordered]@{ 'vss-fleet:environment' = 'prod' }) -InstanceId 'i-0123456789abcdef0' -ShadowSetId 'set' -VolumePaths 'C:\,D:\'
        ($list | Where-Object Key -EQ 'vss-fleet:consistency').Value | Should -Be 'crash-consistent-volume;app-consistent-shadow-copy'
        $list[0].Key | Should -Be 'vss-fleet:environment'
    }
}

Describe 'Invoke-WithRetry' {
    BeforeAll { Mock Start-Sleep -MockWith { $null } }
    It 'retries throttling and returns the result' {
        $script:calls = 0
        $result = Invoke-WithRetry -Action { $script:calls++; if ($script:calls -lt 3) { throw 'RequestLimitExceeded' }; 'ok' }
        $result | Should -Be 'ok'
        $script:calls | Should -Be 3
    }
    It 'does not retry other errors' {
        $script:calls = 0
        { Invoke-WithRetry -Action { $script:calls++; throw 'UnauthorizedOperation' } } | Should -Throw
        $script:calls | Should -Be 1
    }
}

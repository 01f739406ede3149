<#
.SYNOPSIS
    vss-fleet DISKSHADOW engine: one VSS shadow set over this instance's EBS volumes, with application
    writers taking part, then ONE multi-volume EBS CreateSnapshots call, then the shadow set deleted.

.DESCRIPTION
    Context choice (Microsoft documentation):
    - DISKSHADOW "set context" offers clientaccessible | persistent [nowriters] | volatile [nowriters];
      writers are excluded only by "nowriters" (learn.microsoft.com/windows-server/administration/windows-commands/set-context).
    - The VSS context VSS_CTX_CLIENT_ACCESSIBLE is "created without writer involvement"
      (learn.microsoft.com/windows/win32/api/vss/ne-vss-vss_snapshot_context), and Microsoft does not
      document which context DISKSHADOW's "clientaccessible" selects. DISKSHADOW "revert" works only on
      CLIENTACCESSIBLE copies (learn.microsoft.com/windows-server/administration/windows-commands/revert).
    We choose application consistency: "set context persistent" (writers take part, as in
    VSS_CTX_APP_ROLLBACK). The price is that DISKSHADOW "revert" does not apply; restores copy data out
    of the exposed shadow copy instead (see the README's restore runbook).
    The EBS snapshots are crash-consistent images of each volume; the application-consistent state is
    the shadow copy stored inside them, which is what the consistency tag says.

    Parameters come from SSM as environment variables (interpolationType ENV_VAR), never as code.
#>
[CmdletBinding()]
param(
    [ValidateSet('Run', 'Snapshot')]
    [string] $Mode = 'Run',
    [ValidatePattern('^[\w:\\.-]*$')]
    [string] $StateFile = ''
)

Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'

$ImdsBase = 'http://169.254.169.254/latest'
$StateDir = Join-Path $env:ProgramData 'vss-fleet'
$SetRegistry = Join-Path $StateDir 'shadow-sets.txt'

function Get-ImdsToken {
    Invoke-RestMethod -Method Put -Uri "$ImdsBase/api/token" -Headers @{ 'X-aws-ec2-metadata-token-ttl-seconds' = '300' } -TimeoutSec 5
}

function Get-InstanceIdentity {
    param([Parameter(Mandatory)] [string] $Token)
    $document = Invoke-RestMethod -Uri "$ImdsBase/dynamic/instance-identity/document" -Headers @{ 'X-aws-ec2-metadata-token' = $Token } -TimeoutSec 5
    [pscustomobject]@{ InstanceId = $document.instanceId; Region = $document.region; AccountId = $document.accountId }
}

function ConvertTo-EbsVolumeId {
    # NVMe EBS disks report serial "vol0123...", AWS PV disks "vol-0123..."; instance store and others do not.
    param([AllowEmptyString()] [string] $SerialNumber)
    if ($SerialNumber -match '^vol-?([0-9a-f]{17})') { return "vol-$($Matches[1])" }
    return $null
}

function Get-EbsVolumeMap {
    # Pure: disks (Number, SerialNumber) and partitions (DiskNumber, DriveLetter, AccessPaths) ->
    # one entry per EBS volume with every Windows path it is mounted at (drive letters and folders).
    param([object[]] $Disks, [object[]] $Partitions, [string] $BootDiskNumber, [switch] $ExcludeBootVolume)
    foreach ($disk in $Disks) {
        $volumeId = ConvertTo-EbsVolumeId -SerialNumber $disk.SerialNumber
        if (-not $volumeId) { continue }
        if ($ExcludeBootVolume -and "$($disk.Number)" -eq $BootDiskNumber) { continue }
        $paths = @(foreach ($partition in $Partitions | Where-Object { "$($_.DiskNumber)" -eq "$($disk.Number)" }) {
                foreach ($path in $partition.AccessPaths) {
                    if ($path -and $path -notlike '\\?\Volume*') { $path }
                }
            })
        if ($paths.Count -gt 0) {
            [pscustomobject]@{ VolumeId = $volumeId; DiskNumber = $disk.Number; Paths = $paths }
        }
    }
}

function New-DiskShadowScript {
    # Pure: the DISKSHADOW script. Every volume in ONE set, so the set is consistent across volumes.
    param(
        [Parameter(Mandatory)] [string[]] $Paths,
        [Parameter(Mandatory)] [string] $ExecCommand,
        [Parameter(Mandatory)] [string] $MetadataPath,
        [switch] $NoWriters
    )
    $lines = @('set verbose on', $(if ($NoWriters) { 'set context persistent nowriters' } else { 'set context persistent' }))
    $lines += "set metadata `"$MetadataPath`""
    $lines += 'begin backup'
    $i = 0
    foreach ($path in $Paths) {
        $lines += "add volume `"$path`" alias vssfleet$i"
        $i++
    }
    # After "create", DISKSHADOW holds the new set's id in %VSS_SHADOW_SET% (the classic recipe's
    # "delete shadows set %VSS_SHADOW_SET%"); the set lives on inside the EBS snapshots.
    $lines += @('create', "exec `"$ExecCommand`"", 'delete shadows set %VSS_SHADOW_SET%', 'end backup', 'exit')
    ($lines -join "`r`n") + "`r`n"
}

function ConvertFrom-TagString {
    # Pure: "Key=a,Value=b;Key=c,Value=d" (AWSEC2-CreateVssSnapshot's format) to an ordered hashtable.
    # Works on Windows PowerShell 5.1, which Run Command uses (no ConvertFrom-Json -AsHashtable there).
    param([Parameter(Mandatory)] [string] $Text)
    $tags = [ordered]@{}
    foreach ($pair in $Text -split ';') {
        if ($pair -notmatch '^Key=([^,]+),Value=(.*)$') { throw "not a tag: '$pair'" }
        $tags[$Matches[1]] = $Matches[2]
    }
    $tags
}

function New-SnapshotTagList {
    # Pure: the tags of every snapshot in the set, ours first; the consistency tag says where the
    # application-consistent state lives (the shadow copy inside the snapshot, not the raw blocks).
    param(
        [Parameter(Mandatory)] [System.Collections.IDictionary] $Tags,
        [Parameter(Mandatory)] [string] $InstanceId,
        [Parameter(Mandatory)] [string] $ShadowSetId,
        [Parameter(Mandatory)] [string] $VolumePaths
    )
    $list = [System.Collections.Generic.List[object]]::new()
    foreach ($key in $Tags.Keys) { $list.Add(@{ Key = $key; Value = [string]$Tags[$key] }) }
    $list.Add(@{ Key = 'vss-fleet:instance-id'; Value = $InstanceId })
    $list.Add(@{ Key = 'vss-fleet:shadow-set-id'; Value = $ShadowSetId })
    $list.Add(@{ Key = 'vss-fleet:volume-paths'; Value = $VolumePaths })
    $list.Add(@{ Key = 'vss-fleet:consistency'; Value = 'crash-consistent-volume;app-consistent-shadow-copy' })
    , $list
}

function Invoke-WithRetry {
    # Retries throttled EC2 calls (RequestLimitExceeded) with exponential backoff and full jitter.
    param([Parameter(Mandatory)] [scriptblock] $Action, [int] $MaxAttempts = 6, [int] $BaseDelayMs = 1000)
    for ($attempt = 1; ; $attempt++) {
        try {
            return & $Action
        } catch {
            $throttled = "$($_.Exception.Message)" -match 'RequestLimitExceeded|Throttl'
            if (-not $throttled -or $attempt -ge $MaxAttempts) { throw }
            Start-Sleep -Milliseconds (Get-Random -Minimum 0 -Maximum ($BaseDelayMs * [math]::Pow(2, $attempt)))
        }
    }
}

function Invoke-SnapshotStep {
    # Runs inside DISKSHADOW's EXEC, while the shadow set exists: ONE CreateSnapshots call.
    $state = Get-Content -Raw -Path $StateFile | ConvertFrom-Json
    $setId = "$env:VSS_SHADOW_SET"
    if ($setId -notmatch '^\{?[0-9a-fA-F-]{36}\}?$') { throw "DISKSHADOW gave no shadow set id ('$setId')" }
    # Recorded first, so that a failure below still leaves the set for Remove-StaleShadowSets.
    Add-Content -Path $SetRegistry -Value $setId
    $tags = New-SnapshotTagList -Tags (ConvertFrom-TagString -Text $state.TagString) -InstanceId $state.InstanceId -ShadowSetId $setId -VolumePaths $state.VolumePaths
    $tagSpecification = @{ ResourceType = 'snapshot'; Tags = @($tags) }
    if ($state.DryRun) {
        $result = @()
    } else {
        $result = Invoke-WithRetry -Action {
            New-EC2SnapshotBatch -Region $state.Region -InstanceSpecification_InstanceId $state.InstanceId `
                -InstanceSpecification_ExcludeBootVolume $state.ExcludeBootVolume -TagSpecification $tagSpecification `
                -Description "vss-fleet $($state.Environment) $setId" -CopyTagsFromSource volume
        }
    }
    $state | Add-Member -NotePropertyName ShadowSetId -NotePropertyValue $setId -Force
    $state | Add-Member -NotePropertyName SnapshotIds -NotePropertyValue @($result | ForEach-Object { $_.SnapshotId }) -Force
    $state | ConvertTo-Json -Depth 5 | Set-Content -Path $StateFile
}

function Remove-StaleShadowSets {
    # Only sets this tool recorded: the per-volume shadow copy limit must never be reached because of us.
    if (-not (Test-Path $SetRegistry)) { return }
    $ids = @(Get-Content $SetRegistry | Where-Object { $_ -match '^\{?[0-9a-fA-F-]{36}\}?$' })
    if ($ids.Count -gt 0) {
        $dsh = Join-Path $StateDir 'cleanup.dsh'
        Set-Content -Path $dsh -Encoding ascii -Value (@($ids | ForEach-Object { "delete shadows set $_" }) + 'exit')
        # A set DISKSHADOW already deleted is reported as not found; that is the expected case.
        & diskshadow.exe /s $dsh | Write-Verbose
    }
    Remove-Item $SetRegistry -Force
}

function Invoke-Run {
    $started = Get-Date
    $summary = [ordered]@{ engine = 'diskshadow'; result = 'failed'; instanceId = $null; shadowSetId = $null; snapshotIds = @(); volumes = @() }
    $workDir = Join-Path $StateDir ([guid]::NewGuid().ToString())
    try {
        New-Item -ItemType Directory -Path $workDir -Force | Out-Null
        $identity = Get-InstanceIdentity -Token (Get-ImdsToken)
        $summary.instanceId = $identity.InstanceId
        Remove-StaleShadowSets
        $delay = [int]$env:SSM_StartDelayMaxSeconds
        if ($delay -gt 0) { Start-Sleep -Seconds (Get-Random -Minimum 0 -Maximum ($delay + 1)) }
        $bootDisk = (Get-Partition -DriveLetter $env:SystemDrive.TrimEnd(':')).DiskNumber
        $volumes = @(Get-EbsVolumeMap -Disks (Get-Disk) -Partitions (Get-Partition) -BootDiskNumber $bootDisk -ExcludeBootVolume:($env:SSM_ExcludeBootVolume -eq 'True'))
        if ($volumes.Count -eq 0) { throw 'no EBS volumes with Windows volumes to snapshot' }
        $summary.volumes = $volumes
        $tags = ConvertFrom-TagString -Text $env:SSM_Tags
        $paths = @($volumes | ForEach-Object { $_.Paths } | Select-Object -Unique)
        $state = [ordered]@{
            InstanceId = $identity.InstanceId; Region = $identity.Region; Environment = $tags['vss-fleet:environment']
            ExcludeBootVolume = ($env:SSM_ExcludeBootVolume -eq 'True'); DryRun = ($env:SSM_DryRun -eq 'True')
            TagString = $env:SSM_Tags; VolumePaths = ($paths -join ',')
        }
        $stateFile = Join-Path $workDir 'state.json'
        $state | ConvertTo-Json -Depth 5 | Set-Content -Path $stateFile
        $cmd = Join-Path $workDir 'snapshot.cmd'
        Set-Content -Path $cmd -Value "@powershell.exe -NoProfile -NonInteractive -ExecutionPolicy Bypass -File `"$PSCommandPath`" -Mode Snapshot -StateFile `"$stateFile`""
        $dsh = Join-Path $workDir 'shadow.dsh'
        $script = New-DiskShadowScript -Paths $paths -ExecCommand $cmd -MetadataPath (Join-Path $workDir 'metadata.cab') -NoWriters:($env:SSM_NoWriters -eq 'True')
        Set-Content -Path $dsh -Value $script -Encoding ascii
        if ($state.DryRun) {
            Write-Output $script
        } else {
            & diskshadow.exe /s $dsh | Write-Verbose
            if ($LASTEXITCODE -ne 0) { throw "diskshadow exited with $LASTEXITCODE" }
            $result = Get-Content -Raw $stateFile | ConvertFrom-Json
            $summary.shadowSetId = $result.ShadowSetId
            $shadowSetId = $result.ShadowSetId
            $summary.snapshotIds = @($result.SnapshotIds)
            if ($env:SSM_SaveVssMetadata -eq 'True') {
                # Writer metadata for a later restore, kept beside the tool's state (one cab per set).
                $keep = Join-Path $StateDir 'metadata'
                New-Item -ItemType Directory -Path $keep -Force | Out-Null
                Copy-Item -Path (Join-Path $workDir 'metadata.cab') -Destination (Join-Path $keep "$shadowSetId.cab")
            }
            if ($summary.snapshotIds.Count -eq 0) { throw 'the snapshot step created no snapshots' }
        }
        $summary.result = 'succeeded'
    } catch {
        $summary.error = "$($_.Exception.Message)"
    } finally {
        # The shadow set is deleted whether or not the snapshot step worked; it lives on in the EBS snapshots.
        Remove-StaleShadowSets
        Remove-Item -Path $workDir -Recurse -Force -ErrorAction SilentlyContinue
        $summary.durationSeconds = [math]::Round(((Get-Date) - $started).TotalSeconds, 1)
        Write-Output ($summary | ConvertTo-Json -Compress -Depth 5)
    }
    if ($summary.result -ne 'succeeded') { exit 1 }
}

if ($MyInvocation.InvocationName -ne '.') {
    if ($Mode -eq 'Snapshot') { Invoke-SnapshotStep } else { Invoke-Run }
}

#!/usr/bin/env python3
"""
The emulator tier's AWS: moto's ThreadedMotoServer on a loopback port the OS picks, with the small
patches listed in docs/testing-emulator.md for what moto 5.2 lacks, and a control endpoint
(/_harness/...) for the test harness's clock, fault injection and maintenance-window history.

Protocol with the Node side (test/emulator/server.ts): the first stdout line is
`MOTO_HARNESS_PORT=<port>`; the server stops when stdin closes, so it dies with its parent.
Test code only: nothing here is, or may become, production behaviour.
"""
import base64
import copy
import datetime
import gzip
import importlib.util
import io
import json
import os
import sys
import tempfile
import threading
import urllib.parse
import uuid

# SETTING (AMI catalogue): moto loads ~1,200 public AMIs, whose ~1,200 snapshots every
# DescribeSnapshots then scans (0.3-1.8 s a call). The tier needs two images, so moto loads only
# those (its documented MOTO_AMIS_PATH); this must happen before moto.ec2 is imported.
WANTED_AMIS = {"ami-12c6146b", "ami-1e749f67"}  # Windows Server 2008 R2 Base; Ubuntu 14.04


def _small_ami_catalogue() -> str:
    moto_dir = os.path.dirname(importlib.util.find_spec("moto").origin)
    with gzip.open(os.path.join(moto_dir, "ec2", "resources", "amis.json.gz"), "rt", encoding="utf-8") as f:
        amis = [a for a in json.load(f) if a["ami_id"] in WANTED_AMIS]
    handle, path = tempfile.mkstemp(prefix="vss-fleet-amis-", suffix=".json")
    with os.fdopen(handle, "w", encoding="utf-8") as f:
        json.dump(amis, f)
    return path


AMIS_PATH = _small_ami_catalogue()
os.environ["MOTO_AMIS_PATH"] = AMIS_PATH
# SETTING (AWS managed IAM policies): moto 5 loads none by default, so attaching
# arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore (as the stack's instance role does) failed with
# NoSuchEntity. Its documented MOTO_IAM_LOAD_MANAGED_POLICIES loads them, as every AWS account has them.
os.environ.setdefault("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")

from moto.server import ThreadedMotoServer  # noqa: E402 (after MOTO_AMIS_PATH)
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

import moto.core.utils
import moto.ec2.models.elastic_block_store as ebs_models
import moto.ec2.models.instances as instance_models
import moto.ec2.utils as ec2_utils
import moto.ssm.models as ssm_models
from moto.ec2.models import ec2_backends
from moto.ssm.models import ssm_backends
from moto.sns.models import sns_backends
from moto.ssm.responses import SimpleSystemManagerResponse
from moto.core.responses import ActionResult
from moto.ec2.exceptions import EC2ClientError
from moto.ec2.models.core import TaggedEC2Resource
from moto.ec2.utils import EC2_PREFIX_TO_RESOURCE, get_prefix

os.unlink(AMIS_PATH)  # moto.ec2 read it when imported

DEFAULT_ACCOUNT = "123456789012"

# ---------------------------------------------------------------------------------------------
# The harness clock. The simulated month creates a month of snapshots in seconds, so moto's
# "now" (snapshot StartTime, volume CreateTime, attachment AttachTime, instance LaunchTime, command
# RequestedDateTime) follows a clock the test sets. Unset, it is the real time.
# ---------------------------------------------------------------------------------------------
_real_utcnow = moto.core.utils.utcnow
_clock = {"now": None}


def harness_utcnow() -> datetime.datetime:
    return _clock["now"] or _real_utcnow()


# PATCH 1 (clock): the modules that stamp the resources the tier reads.
for module in (ebs_models, instance_models, ssm_models):
    module.utcnow = harness_utcnow

# PATCH 2 (DescribeInstances filter `platform`): moto 5.2.1 raises NotImplementedError for it.
ec2_utils.filter_dict_attribute_mapping["platform"] = "platform"

# SPEED (EC2 tags): moto finds one resource's tags by scanning every tag of the region with regular
# expressions, twice per resource per Describe call, which makes DescribeSnapshots quadratic (0.3 s
# with 300 snapshots). The same answer straight from moto's tag dictionary; behaviour unchanged.
def _own_tags(self):
    resource_id = getattr(self, "id", None)
    if not resource_id:
        return []
    resource_type = EC2_PREFIX_TO_RESOURCE.get(get_prefix(resource_id), "")
    tags = self.ec2_backend.tags.get(resource_id, {})
    return [{"resource_id": resource_id, "key": k, "value": v, "resource_type": resource_type} for k, v in tags.items()]


TaggedEC2Resource.get_tags = _own_tags

# PATCH 3 (SendCommand without Targets): moto 5.2.1 resolves an empty target list to EVERY instance
# of the region, so a command sent to InstanceIds [a] got invocations on all of them.
_targets_of = ssm_models.Command._get_instance_ids_from_targets
ssm_models.Command._get_instance_ids_from_targets = lambda self: _targets_of(self) if self.targets else []


# PATCH 9 (CopySnapshot of a snapshot shared from another account): moto 5.2.1 looks the source up
# only in the CALLER's account, so a cross-account copy fails with InvalidSnapshot.NotFound, although
# EC2 copies a snapshot shared with the caller. When the caller does not own the source, it is looked
# up in the other accounts' backends of the source region, and copied only if its createVolumePermission
# names the caller's account (or "all"), as EC2 requires; otherwise moto's own NotFound stands.
_copy_snapshot = ebs_models.EBSBackend.copy_snapshot


def _shared_source(caller_account, source_region, snapshot_id):
    for account in list(ec2_backends.keys()):
        if account == caller_account or source_region not in ec2_backends[account]:
            continue
        snapshot = ec2_backends[account][source_region].snapshots.get(snapshot_id)
        if snapshot and (caller_account in snapshot.create_volume_permission_userids or "all" in snapshot.create_volume_permission_groups):
            return snapshot
    return None


def _copy_shared_snapshot(self, source_snapshot_id, source_region, description, kms_key_id):
    # FAULT copyQuota (POST /_harness/faults): EC2 refuses a copy with ResourceLimitExceeded while the
    # caller's account already has `copyQuota` copies pending in the destination region; copies then
    # start pending (`pendingCopies`) until the harness completes them (snapshot-state).
    quota = _faults.get("copyQuota")
    if quota is not None and sum(1 for x in self.snapshots.values() if x.status == "pending") >= quota:
        raise EC2ClientError("ResourceLimitExceeded", "Too many snapshot copies in progress. The limit is %d for this destination region." % quota)
    copied = _copy_or_share(self, source_snapshot_id, source_region, description, kms_key_id)
    if _faults.get("pendingCopies"):
        copied.status = "pending"
    return copied


def _copy_or_share(self, source_snapshot_id, source_region, description, kms_key_id):
    source = None
    if source_snapshot_id not in ec2_backends[self.account_id][source_region].snapshots:
        source = _shared_source(self.account_id, source_region, source_snapshot_id)
    if source is None:
        return _copy_snapshot(self, source_snapshot_id, source_region, description, kms_key_id)
    snapshot = ebs_models.Snapshot(
        self,
        ec2_utils.random_snapshot_id(),
        volume=source.volume,
        description=description,
        encrypted=source.encrypted,
        kms_key_id=kms_key_id,
    )
    self.snapshots[snapshot.id] = snapshot
    return snapshot


ebs_models.EBSBackend.copy_snapshot = _copy_shared_snapshot


def _parse_time(text):
    parsed = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return parsed.astimezone(datetime.timezone.utc).replace(tzinfo=None)


# ---------------------------------------------------------------------------------------------
# PATCH 4 (ssm:ListCommandInvocations): moto keeps invocations on each command but has no such
# action. Paginated by MaxResults/NextToken (an index), as the SDK's paginator expects.
# ---------------------------------------------------------------------------------------------
def _invocation(command, invocation):
    return {
        "CommandId": command.command_id,
        "InstanceId": invocation["InstanceId"],
        "Comment": command.comment,
        "DocumentName": command.document_name,
        "RequestedDateTime": command.requested_date_time,
        "Status": invocation["Status"],
        "StatusDetails": invocation["StatusDetails"],
        "ServiceRole": command.service_role_arn,
    }


def _with_plugins(row, invocation):
    # --details: each step of the document, as the agent reported it (PATCH 7 records them).
    return {**row, "CommandPlugins": invocation.get("CommandPlugins", [])}


def list_command_invocations(self):
    command_id = self._get_param("CommandId")
    instance_id = self._get_param("InstanceId")
    max_results = int(self._get_param("MaxResults") or 50)
    start = int(self._get_param("NextToken") or 0)
    commands = self.ssm_backend.list_commands(command_id, None)
    details = str(self._get_param("Details")).lower() == "true"
    rows = [
        _with_plugins(_invocation(c, i), i) if details else _invocation(c, i)
        for c in commands
        for i in c.invocations
        if not instance_id or i["InstanceId"] == instance_id
    ]
    page = rows[start : start + max_results]
    result = {"CommandInvocations": page}
    if start + max_results < len(rows):
        result["NextToken"] = str(start + max_results)
    return ActionResult(result)


# ---------------------------------------------------------------------------------------------
# PATCH 5 (maintenance-window execution history): moto runs no windows, so it has no executions.
# The harness records them (POST /_harness/window-executions, as the window's scheduler would)
# and these read actions return them.
# ---------------------------------------------------------------------------------------------
_executions = {}  # (account, region) -> {execution id -> execution}


def _store(account, region):
    return _executions.setdefault((account, region), {})


def _execution(self):
    window_execution_id = self._get_param("WindowExecutionId")
    found = _store(self.current_account, self.region).get(window_execution_id)
    if not found:
        from moto.ssm.exceptions import DoesNotExistException

        raise DoesNotExistException(f"Maintenance window execution {window_execution_id} does not exist")
    return found


def _paged(self, rows, key):
    max_results = int(self._get_param("MaxResults") or 100)
    start = int(self._get_param("NextToken") or 0)
    result = {key: rows[start : start + max_results]}
    if start + max_results < len(rows):
        result["NextToken"] = str(start + max_results)
    return ActionResult(result)


def get_maintenance_window_execution(self):
    e = _execution(self)
    return ActionResult(
        {
            "WindowExecutionId": e["id"],
            "TaskIds": [t["id"] for t in e["tasks"]],
            "Status": e["status"],
            "StartTime": e["start"],
            "EndTime": e["end"],
        }
    )


def describe_maintenance_window_executions(self):
    window_id = self._get_param("WindowId")
    rows = [
        {
            "WindowId": e["windowId"],
            "WindowExecutionId": e["id"],
            "Status": e["status"],
            "StartTime": e["start"],
            "EndTime": e["end"],
        }
        for e in _store(self.current_account, self.region).values()
        if e["windowId"] == window_id
    ]
    rows.sort(key=lambda r: r["StartTime"], reverse=True)  # newest first, as SSM lists them
    return _paged(self, rows, "WindowExecutions")


def describe_maintenance_window_execution_tasks(self):
    e = _execution(self)
    rows = [
        {
            "WindowExecutionId": e["id"],
            "TaskExecutionId": t["id"],
            "Status": t["status"],
            "StartTime": e["start"],
            "EndTime": e["end"],
            "TaskArn": t["taskArn"],
            "TaskType": t["taskType"],
        }
        for t in e["tasks"]
    ]
    return _paged(self, rows, "WindowExecutionTaskIdentities")


def describe_maintenance_window_execution_task_invocations(self):
    e = _execution(self)
    task_id = self._get_param("TaskId")
    rows = [
        {
            "WindowExecutionId": e["id"],
            "TaskExecutionId": t["id"],
            "InvocationId": t["invocationId"],
            # For RUN_COMMAND the invocation's ExecutionId is the Run Command command id.
            "ExecutionId": t.get("commandId", ""),
            "TaskType": t["taskType"],
            "Status": t["status"],
            "StartTime": e["start"],
            "EndTime": e["end"],
        }
        for t in e["tasks"]
        if t["id"] == task_id
    ]
    return _paged(self, rows, "WindowExecutionTaskInvocationIdentities")


for _action in (
    list_command_invocations,
    get_maintenance_window_execution,
    describe_maintenance_window_executions,
    describe_maintenance_window_execution_tasks,
    describe_maintenance_window_execution_task_invocations,
):
    setattr(SimpleSystemManagerResponse, _action.__name__, _action)


# ---------------------------------------------------------------------------------------------
# PATCH 13 (ssm:DescribeInstanceInformation): moto 5.2.1 raises NotImplementedError for it. The
# emulator's SSM already runs commands on any EC2 instance (SendCommand), so every instance of the
# account and region counts as a managed node, as with the agent installed and an instance profile
# that lets it register: running ones Online, stopped ones ConnectionLost, terminated ones not
# listed. Fields as in the SSM API reference's InstanceInformation (InstanceId, PingStatus,
# LastPingDateTime, AgentVersion, IsLatestVersion, PlatformType, PlatformName, ResourceType,
# IPAddress, ComputerName). Filters: PlatformTypes, InstanceIds and PingStatus (others are
# refused, rather than ignored); paginated by MaxResults/NextToken (an index).
# ---------------------------------------------------------------------------------------------
_INFORMATION_FILTERS = {"PlatformTypes", "InstanceIds", "PingStatus"}


def describe_instance_information(self):
    filters = {f["Key"]: f["Values"] for f in (self._get_param("Filters") or [])}
    unknown = sorted(set(filters) - _INFORMATION_FILTERS)
    if unknown:
        raise NotImplementedError(f"DescribeInstanceInformation filter(s) {unknown}: not emulated (test/emulator/moto_server.py)")
    ids = filters.get("InstanceIds")
    rows = []
    for instance in ec2_backends[self.current_account][self.region].all_instances():
        state = instance._state.name
        if state in ("terminated", "shutting-down"):
            continue
        platform = "Windows" if (instance.platform or "").lower() == "windows" else "Linux"
        row = {
            "InstanceId": instance.id,
            "PingStatus": "Online" if state == "running" else "ConnectionLost",
            "LastPingDateTime": harness_utcnow().replace(tzinfo=datetime.timezone.utc).isoformat(),
            "AgentVersion": "3.3.1142.0",
            "IsLatestVersion": True,
            "PlatformType": platform,
            "PlatformName": "Microsoft Windows Server 2022 Datacenter" if platform == "Windows" else "Amazon Linux",
            "ResourceType": "EC2Instance",
            "IPAddress": instance.private_ip,
            "ComputerName": instance.id,
        }
        if filters.get("PlatformTypes") and platform not in filters["PlatformTypes"]:
            continue
        if ids and instance.id not in ids:
            continue
        if filters.get("PingStatus") and row["PingStatus"] not in filters["PingStatus"]:
            continue
        rows.append(row)
    max_results = int(self._get_param("MaxResults") or 50)
    start = int(self._get_param("NextToken") or 0)
    result = {"InstanceInformationList": rows[start : start + max_results]}
    if start + max_results < len(rows):
        result["NextToken"] = str(start + max_results)
    return ActionResult(result)


SimpleSystemManagerResponse.describe_instance_information = describe_instance_information


# ---------------------------------------------------------------------------------------------
# PATCH 10 (maintenance-window updates and GetMaintenanceWindowTask): moto 5.2.1 has Create/Get/
# Describe/Delete for windows, targets and tasks, but no UpdateMaintenanceWindow,
# UpdateMaintenanceWindowTarget, UpdateMaintenanceWindowTask or GetMaintenanceWindowTask, and it drops
# a window's AllowUnassociatedTargets and Enabled and a task's CutoffBehavior, and names a described
# task's type TaskType instead of Type. The engine tier's
# provider updates in place and refreshes through them. Shapes as in the SSM API reference: each
# Update answers the resource's fields after the update; `Replace: true` clears the optional fields
# the request leaves out; an unknown id is DoesNotExistException.
# ---------------------------------------------------------------------------------------------
_create_window = SimpleSystemManagerResponse.create_maintenance_window
_window_to_json = ssm_models.FakeMaintenanceWindow.to_json
_task_to_json = ssm_models.FakeMaintenanceWindowTask.to_json


def _create_window_keeping_flags(self):
    result = _create_window(self)
    window = self.ssm_backend.get_maintenance_window(result.result["WindowId"])
    window.allow_unassociated_targets = bool(self._get_param("AllowUnassociatedTargets"))
    window.enabled = True  # CreateMaintenanceWindow has no Enabled: a new window is enabled
    return result


def _window_json(self):
    answer = _window_to_json(self)
    answer["AllowUnassociatedTargets"] = getattr(self, "allow_unassociated_targets", False)
    answer["Enabled"] = getattr(self, "enabled", True)
    return answer


def _task_json(self):
    answer = _task_to_json(self)
    # DescribeMaintenanceWindowTasks names the task type `Type` (GetMaintenanceWindowTask: TaskType);
    # moto 5.2.1 answers TaskType in both.
    answer["Type"] = self.task_type
    if getattr(self, "cutoff_behavior", None):
        answer["CutoffBehavior"] = self.cutoff_behavior
    return answer


ssm_models.FakeMaintenanceWindow.to_json = _window_json
ssm_models.FakeMaintenanceWindowTask.to_json = _task_json
SimpleSystemManagerResponse.create_maintenance_window = _create_window_keeping_flags

_WINDOW_FIELDS = {
    "Name": "name",
    "Description": "description",
    "Schedule": "schedule",
    "ScheduleTimezone": "schedule_timezone",
    "ScheduleOffset": "schedule_offset",
    "Duration": "duration",
    "Cutoff": "cutoff",
    "StartDate": "start_date",
    "EndDate": "end_date",
    "AllowUnassociatedTargets": "allow_unassociated_targets",
    "Enabled": "enabled",
}
_TARGET_FIELDS = {"Targets": "targets", "OwnerInformation": "owner_information", "Name": "name", "Description": "description"}
_TASK_FIELDS = {
    "Targets": "targets",
    "TaskArn": "task_arn",
    "ServiceRoleArn": "service_role_arn",
    "TaskParameters": "task_parameters",
    "TaskInvocationParameters": "task_invocation_parameters",
    "Priority": "priority",
    "MaxConcurrency": "max_concurrency",
    "MaxErrors": "max_errors",
    "LoggingInfo": "logging_info",
    "Name": "name",
    "Description": "description",
    "CutoffBehavior": "cutoff_behavior",
    "AlarmConfiguration": "alarm_configurations",
}
# Required in the API (never cleared by Replace).
_KEEP_ON_REPLACE = {"name", "schedule", "duration", "cutoff", "allow_unassociated_targets", "enabled", "task_arn", "targets"}


def _apply(self, thing, fields):
    replace = bool(self._get_param("Replace"))
    for param, attribute in fields.items():
        value = self._get_param(param)
        if value is not None:
            setattr(thing, attribute, value)
        elif replace and attribute not in _KEEP_ON_REPLACE:
            setattr(thing, attribute, None)


def _window_child(self, kind, child_id):
    from moto.ssm.exceptions import DoesNotExistException

    window = self.ssm_backend.get_maintenance_window(self._get_param("WindowId"))
    found = getattr(window, kind).get(child_id)
    if not found:
        raise DoesNotExistException(f"Maintenance window {kind[:-1]} {child_id} does not exist")
    return window, found


def update_maintenance_window(self):
    window = self.ssm_backend.get_maintenance_window(self._get_param("WindowId"))
    _apply(self, window, _WINDOW_FIELDS)
    return ActionResult(window.to_json())


def update_maintenance_window_target(self):
    window, target = _window_child(self, "targets", self._get_param("WindowTargetId"))
    _apply(self, target, _TARGET_FIELDS)
    answer = {k: v for k, v in target.to_json().items() if k in ("WindowId", "WindowTargetId", "Targets", "OwnerInformation", "Name", "Description")}
    return ActionResult(answer)


def _task_answer(task):
    answer = task.to_json()
    answer.pop("TaskType", None)
    return answer


def update_maintenance_window_task(self):
    window, task = _window_child(self, "tasks", self._get_param("WindowTaskId"))
    _apply(self, task, _TASK_FIELDS)
    return ActionResult(_raw_payload(_task_answer(task)))


def _raw_payload(answer):
    # moto keeps a LAMBDA task's Payload (a blob) as the base64 text of the request and its serialiser
    # encodes it again; the stored bytes are handed over, so the answer carries the payload once encoded.
    answer = copy.deepcopy(answer)  # to_json hands out the stored dictionaries
    lambda_parameters = (answer.get("TaskInvocationParameters") or {}).get("Lambda") or {}
    if isinstance(lambda_parameters.get("Payload"), str):
        lambda_parameters["Payload"] = base64.b64decode(lambda_parameters["Payload"])
    return answer


def get_maintenance_window_task(self):
    window, task = _window_child(self, "tasks", self._get_param("WindowTaskId"))
    return ActionResult(_raw_payload(task.to_json()))


for _action in (update_maintenance_window, update_maintenance_window_target, update_maintenance_window_task, get_maintenance_window_task):
    setattr(SimpleSystemManagerResponse, _action.__name__, _action)


# ---------------------------------------------------------------------------------------------
# PATCH 11 (Recycle Bin): moto has no `rbin` service. The harness serves its REST API for retention
# rules, as in the Recycle Bin API reference: CreateRule (POST /rules), GetRule (GET /rules/{id}),
# UpdateRule (PATCH /rules/{id}), DeleteRule (DELETE /rules/{id}), ListRules (POST /list-rules,
# filtered by ResourceType and ResourceTags; summaries of Identifier, Description, RetentionPeriod,
# LockState, RuleArn) and the tag calls (GET/POST/DELETE /tags/{arn}). An unknown id is
# ResourceNotFoundException (404). Rules are kept per account and region; nothing is retained:
# moto's DeleteSnapshot still deletes at once (the rule is configuration here, not behaviour).
# ---------------------------------------------------------------------------------------------
_rbin_rules = {}  # (account, region) -> {identifier -> rule}


def _rbin_scope(request):
    """(account, region) of a signed request: region from the credential scope, account from the key."""
    auth = request.headers.get("Authorization", "")
    scope = auth.split("Credential=", 1)[1].split(",", 1)[0].split("/") if "Credential=" in auth else []
    region = scope[2] if len(scope) > 3 else "us-east-1"
    account = DEFAULT_ACCOUNT
    if scope:
        # moto's own mapping: keys from sts:AssumeRole act in the role's account.
        from moto.iam.models import get_account_id_from

        account = get_account_id_from(scope[0])
    return account, region


def _is_rbin(request):
    return "/rbin/aws4_request" in request.headers.get("Authorization", "") or request.path == "/list-rules"


def _rbin_json(body, status=200):
    return Response(json.dumps(body, default=str), status=status, content_type="application/json")


def _rbin_not_found(identifier):
    response = _rbin_json({"Message": f"Rule {identifier} not found", "Reason": "RULE_NOT_FOUND"}, 404)
    response.headers["x-amzn-ErrorType"] = "ResourceNotFoundException"
    return response


def _rbin_view(rule):
    return {k: v for k, v in rule.items() if k != "Tags"}


def _rbin(request):
    account, region = _rbin_scope(request)
    rules = _rbin_rules.setdefault((account, region), {})
    body = request.get_json(silent=True) or {}
    path = urllib.parse.unquote(request.path)
    if path == "/list-rules":
        wanted = body.get("ResourceTags") or []
        found = [
            {k: r.get(k) for k in ("Identifier", "Description", "RetentionPeriod", "LockState", "RuleArn")}
            for r in rules.values()
            if r["ResourceType"] == body.get("ResourceType", r["ResourceType"]) and all(t in r.get("ResourceTags", []) for t in wanted)
        ]
        return _rbin_json({"Rules": found})
    if path == "/rules" and request.method == "POST":
        identifier = uuid.uuid4().hex[:11]
        rule = {
            "Identifier": identifier,
            "Description": body.get("Description", ""),
            "ResourceType": body["ResourceType"],
            "RetentionPeriod": body["RetentionPeriod"],
            "ResourceTags": body.get("ResourceTags", []),
            "Status": "available",
            "LockState": "unlocked" if body.get("LockConfiguration") else None,
            "RuleArn": f"arn:aws:rbin:{region}:{account}:rule/{identifier}",
            "Tags": body.get("Tags", []),
        }
        rule = {k: v for k, v in rule.items() if v is not None}
        rules[identifier] = rule
        return _rbin_json(rule)
    if path.startswith("/rules/"):
        identifier = path[len("/rules/") :]
        rule = rules.get(identifier)
        if rule is None:
            return _rbin_not_found(identifier)
        if request.method == "GET":
            return _rbin_json(_rbin_view(rule))
        if request.method == "PATCH":
            for key in ("Description", "ResourceType", "RetentionPeriod", "ResourceTags"):
                if key in body:
                    rule[key] = body[key]
            return _rbin_json(_rbin_view(rule))
        if request.method == "DELETE":
            del rules[identifier]
            return _rbin_json({})
    if path.startswith("/tags/"):
        arn = path[len("/tags/") :]
        rule = next((r for r in rules.values() if r["RuleArn"] == arn), None)
        if rule is None:
            return _rbin_not_found(arn)
        if request.method == "GET":
            return _rbin_json({"Tags": rule["Tags"]})
        if request.method == "POST":
            keep = {t["Key"]: t for t in rule["Tags"]}
            keep.update({t["Key"]: t for t in body.get("Tags", [])})
            rule["Tags"] = list(keep.values())
            return _rbin_json({})
        if request.method == "DELETE":
            gone = set(request.args.getlist("tagKeys"))
            rule["Tags"] = [t for t in rule["Tags"] if t["Key"] not in gone]
            return _rbin_json({})
    return _rbin_json({"Message": f"{request.method} {path} is not served by the harness's Recycle Bin"}, 400)


# ---------------------------------------------------------------------------------------------
# PATCH 12 (SNS delivery to HTTP(S) subscribers): moto 5.2.1 POSTs a published message to each
# http/https subscriber inside the Publish call, and an endpoint it cannot reach (the tier has no
# network: the stack subscribes https://alerts.example.com/...) fails Publish with a 500. In SNS,
# Publish returns the MessageId once the topic has the message; delivery to HTTP(S) endpoints is
# asynchronous and retried per the delivery policy, and a failed delivery never fails Publish
# (SNS developer guide, "Amazon SNS message delivery retries"). A delivery that cannot connect is
# now dropped; the message stays on the topic (sns-messages reads it).
# ---------------------------------------------------------------------------------------------
import moto.sns.models as sns_models  # noqa: E402
import requests  # noqa: E402

_subscription_publish = sns_models.Subscription.publish


def _publish_without_failing_delivery(self, *args, **kwargs):
    try:
        return _subscription_publish(self, *args, **kwargs)
    except requests.exceptions.RequestException:
        if self.protocol in ("http", "https"):
            return None
        raise


sns_models.Subscription.publish = _publish_without_failing_delivery


# ---------------------------------------------------------------------------------------------
# The control endpoint and fault injection, as WSGI middleware in front of moto.
# ---------------------------------------------------------------------------------------------
_faults = {"throttle": [], "hideVolumes": 0, "hidden": {}, "calls": {}, "maxResults": {}, "copyQuota": None, "pendingCopies": False}
_lock = threading.Lock()


def _ec2_error(code, message, status):
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f"<Response><Errors><Error><Code>{code}</Code><Message>{message}</Message></Error></Errors>"
        f"<RequestID>{uuid.uuid4()}</RequestID></Response>"
    )
    return Response(body, status=status, content_type="text/xml")


def _find_snapshot(snapshot_id):
    for account in list(ec2_backends.keys()):
        for region, backend in list(ec2_backends[account].items()):
            if snapshot_id in backend.snapshots:
                return backend.snapshots[snapshot_id]
    raise KeyError(snapshot_id)


def _find_command(command_id):
    for account in list(ssm_backends.keys()):
        for region, backend in list(ssm_backends[account].items()):
            for command in backend._commands:
                if command.command_id == command_id:
                    return command
    raise KeyError(command_id)


def _control(path, body):
    """One /_harness/<name> request; returns a JSON-able answer."""
    if path == "clock":
        _clock["now"] = _parse_time(body["now"]) if body.get("now") else None
        return {"now": body.get("now")}
    if path == "faults":
        # throttle: [{action, nth, times}] -> the nth..(nth+times-1)th calls of action fail with
        # RequestLimitExceeded; hideVolumes: K -> each volume CreateVolume makes is NotFound to its
        # next K DescribeVolumes calls that name it; maxResults: {action: n} -> pages of at most n
        # (AWS may return fewer items than MaxResults; moto pages DescribeInstances by reservation),
        # so pagination is exercised without thousands of instances.
        with _lock:
            _faults["maxResults"] = dict(body.get("maxResults", {}))
            _faults["throttle"] = [dict(rule, seen=0) for rule in body.get("throttle", [])]
            _faults["hideVolumes"] = int(body.get("hideVolumes", 0))
            _faults["hidden"] = {}
            _faults["copyQuota"] = body.get("copyQuota")
            _faults["pendingCopies"] = bool(body.get("pendingCopies", False))
        return {"ok": True}
    if path == "calls":
        with _lock:
            return dict(_faults["calls"])
    if path == "snapshot-state":
        # PATCH 6 (snapshot state): moto completes every snapshot at once; the harness holds some pending.
        for snapshot_id in body["snapshotIds"]:
            _find_snapshot(snapshot_id).status = body["state"]
        return {"ok": True}
    if path == "command-outcome":
        # PATCH 7 (command outcome): moto marks every invocation Success; the agent reports the real one.
        command = _find_command(body["commandId"])
        outcomes = {o["instanceId"]: o for o in body["outcomes"]}
        for invocation in command.invocations:
            outcome = outcomes.get(invocation["InstanceId"])
            if outcome:
                invocation["Status"] = outcome["status"]
                invocation["StatusDetails"] = outcome.get("statusDetails", outcome["status"])
                # Optional: the document's steps [{name, status, responseCode, output}]; the last one is
                # what GetCommandInvocation returns (moto names every invocation aws:runShellScript).
                plugins = outcome.get("plugins")
                if plugins:
                    invocation["CommandPlugins"] = [
                        {
                            "Name": p["name"],
                            "Status": p["status"],
                            "StatusDetails": p["status"],
                            "ResponseCode": p.get("responseCode", 0),
                            "Output": p.get("output", "")[:2500],
                        }
                        for p in plugins
                    ]
                    last = plugins[-1]
                    invocation["PluginName"] = last["name"]
                    invocation["ResponseCode"] = last.get("responseCode", 0)
                    invocation["StandardOutputContent"] = last.get("output", "")
        command.status = "Failed" if any(i["Status"] != "Success" for i in command.invocations) else "Success"
        return {"ok": True}
    if path == "window-executions":
        # The id may be chosen by the caller: the window fills {{WINDOW_EXECUTION_ID}} into the task's
        # parameters before it sends the command, so the harness playing it needs the id first.
        execution_id = body.get("windowExecutionId") or str(uuid.uuid4())
        tasks = [
            {
                "id": str(uuid.uuid4()),
                "invocationId": str(uuid.uuid4()),
                "taskArn": t["taskArn"],
                "taskType": t["taskType"],
                "status": t.get("status", "SUCCESS"),
                **({"commandId": t["commandId"]} if t.get("commandId") else {}),
            }
            for t in body["tasks"]
        ]
        execution = {
            "id": execution_id,
            "windowId": body["windowId"],
            "status": body.get("status", "SUCCESS"),
            "start": _parse_time(body["startTime"]),
            "end": _parse_time(body["endTime"]) if body.get("endTime") else None,
            "tasks": tasks,
        }
        _store(body.get("accountId", DEFAULT_ACCOUNT), body["region"])[execution_id] = execution
        return {"windowExecutionId": execution_id, "taskExecutionIds": [t["id"] for t in tasks]}
    if path == "snapshot-ids":
        # Which snapshots exist, without serialising each one: the month checks this every night.
        backend = ec2_backends[body.get("accountId", DEFAULT_ACCOUNT)][body["region"]]
        return list(backend.snapshots.keys())
    if path == "sns-messages":
        # What the topic was sent, as (subject, message): moto keeps them on the topic (its
        # documented internal API); reading them here spares the tests an SQS subscriber.
        _, _, _, region, account, _ = body["topicArn"].split(":")
        topic = sns_backends[account][region].topics[body["topicArn"]]
        return [{"subject": n[2], "message": n[1]} for n in topic.sent_notifications]
    if path == "reset":
        _clock["now"] = None
        _executions.clear()
        _rbin_rules.clear()
        with _lock:
            _faults.update(throttle=[], hideVolumes=0, hidden={}, calls={}, maxResults={}, copyQuota=None, pendingCopies=False)
        return {"ok": True}
    raise KeyError(path)


def _action_of(request):
    target = request.headers.get("X-Amz-Target")
    if target:
        return target.split(".")[-1]
    return request.form.get("Action")


def _volume_ids(request):
    return [v for k, v in request.form.items() if k.startswith("VolumeId.")]


class Harness:
    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        request = Request(environ)
        if _is_rbin(request):
            # PATCH 8 and 11 (Recycle Bin): moto has no rbin service; ListRules answers the rules the
            # harness keeps (none, as an account without Recycle Bin rules, until a rule is created).
            return _rbin(request)(environ, start_response)
        if request.path.startswith("/_harness/"):
            try:
                answer = _control(request.path[len("/_harness/") :], request.get_json(silent=True) or {})
                return Response(json.dumps(answer), content_type="application/json")(environ, start_response)
            except (KeyError, ValueError) as error:
                return Response(json.dumps({"error": repr(error)}), status=400)(environ, start_response)
        # Reading the form consumes the body: hand moto a fresh stream with the same bytes.
        data = request.get_data(cache=True)
        action = _action_of(request)
        cap = _faults["maxResults"].get(action)
        if cap and int(request.form.get("MaxResults", cap + 1)) > cap:
            form = [(k, str(cap) if k == "MaxResults" else v) for k, v in request.form.items(multi=True)]
            data = urllib.parse.urlencode(form).encode()
            environ["CONTENT_LENGTH"] = str(len(data))
        environ["wsgi.input"] = io.BytesIO(data)
        fault = self._fault(action, request)
        if fault is not None:
            return fault(environ, start_response)
        if action == "CreateVolume" and _faults["hideVolumes"]:
            return self._remember_volume(environ, start_response)
        return self.app(environ, start_response)

    def _fault(self, action, request):
        with _lock:
            _faults["calls"][action] = _faults["calls"].get(action, 0) + 1
            for rule in _faults["throttle"]:
                if rule["action"] == action:
                    rule["seen"] += 1
                    if rule["nth"] <= rule["seen"] < rule["nth"] + rule.get("times", 1):
                        return _ec2_error("RequestLimitExceeded", "Request limit exceeded.", 503)
            if action == "DescribeVolumes":
                hidden = [v for v in _volume_ids(request) if _faults["hidden"].get(v, 0) > 0]
                for volume_id in hidden:
                    _faults["hidden"][volume_id] -= 1
                if hidden:
                    return _ec2_error(
                        "InvalidVolume.NotFound", f"The volume '{hidden[0]}' does not exist.", 400
                    )
        return None

    def _remember_volume(self, environ, start_response):
        captured = {}

        def capture(status, headers, exc_info=None):
            captured["status"] = status
            return start_response(status, headers, exc_info)

        chunks = list(self.app(environ, capture))
        text = b"".join(chunks).decode()
        start = text.find("<volumeId>")
        if start >= 0:
            volume_id = text[start + len("<volumeId>") : text.find("</volumeId>")]
            with _lock:
                _faults["hidden"][volume_id] = _faults["hideVolumes"]
        return [text.encode()]


class HarnessServer(ThreadedMotoServer):
    """ThreadedMotoServer with the harness middleware in front of moto's dispatcher."""

    def _server_entry(self):
        app = Harness(DomainDispatcherApplication(create_backend_app))
        self._server = make_server(self._ip_address, self._port, app, True)
        self._server_ready_event.set()
        self._server.serve_forever()


def main():
    server = HarnessServer("127.0.0.1", 0, verbose=False)
    server.start()
    _, port = server.get_host_and_port()
    print(f"MOTO_HARNESS_PORT={port}", flush=True)
    # Until the parent closes our stdin (or dies, which closes it too).
    for _ in sys.stdin:
        pass
    server.stop()


if __name__ == "__main__":
    main()

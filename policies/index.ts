/**
 * The vss-fleet CrossGuard pack: `pulumi preview --policy-pack policies` on any stack. This is the only
 * module that constructs a PolicyPack (doing so starts the policy server and keeps the process alive).
 */
import { PolicyPack } from "@pulumi/policy";
import { describeImagesResolver } from "./lib/windows";
import { POLICY_PACK_NAME, vssFleetPolicies } from "./policies";

new PolicyPack(POLICY_PACK_NAME, { policies: vssFleetPolicies({ resolveAmis: describeImagesResolver() }) });

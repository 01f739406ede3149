/** The stack program as a function, so `pulumi up`, the offline engine and tests run the same code. */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { BackupEnvironment, copyTargetsInStack, copyTargetsOf, EnrolledInstances, resourceTags } from "../components";
import { partitionOf, type EnvironmentSpec } from "../core/environment";
import { CONFIG_NAMESPACE, loadStackEnvironment, loadStackInstances, loadStackRateControl, STACK_CONFIG_DIR } from "./stackConfig";

export interface StackOutputs {
    readonly environment: string;
    readonly region: string;
    readonly accountId: string;
    readonly windowId: pulumi.Output<string>;
    readonly documentName: pulumi.Output<string>;
    readonly instanceRoleName: pulumi.Output<string>;
    readonly instanceProfileName: pulumi.Output<string | undefined>;
    readonly taskRoleArn: pulumi.Output<string>;
    readonly targetTags: Readonly<Record<string, string>>;
    /** Subscribe to this SNS topic for lifecycle alerts; undefined without the lifecycle. */
    readonly alertTopicArn: pulumi.Output<string | undefined>;
    /** Invoke it with {"action":"drill"} for a restore drill now; undefined without the lifecycle. */
    readonly lifecycleFunctionName: pulumi.Output<string | undefined>;
    readonly enrolledInstances: readonly string[];
}

/**
 * Builds one environment. Its own AWS provider takes the region (and deploy role) from the EnvironmentSpec and refuses
 * to touch any account but the spec's (allowedAccountIds), so a stack can never deploy into the
 * wrong account whatever credentials are in the shell.
 */
export function defineEnvironment(spec: EnvironmentSpec, fleet: string, instances: readonly string[] = []): StackOutputs {
    const provider = new aws.Provider(`${spec.name}-aws`, {
        region: spec.region,
        allowedAccountIds: [spec.accountId],
        // One manifest spans accounts: each environment's provider assumes that account's deploy role.
        assumeRoles: spec.deployRoleArn ? [{ roleArn: spec.deployRoleArn, sessionName: `vss-fleet-${spec.name}` }] : undefined,
    });
    const env = new BackupEnvironment(spec.name, { spec, fleet }, { providers: [provider] });
    // Copies to other accounts: the copy-target role there, through that account's deploy role.
    copyTargetsInStack(copyTargetsOf(spec, fleet, partitionOf(spec.region)), spec.recycleBinDays, resourceTags(spec.name, fleet));
    if (instances.length > 0) {
        // Existing instances join the environment by carrying its target tags.
        new EnrolledInstances(`${spec.name}-enrolled`, { instanceIds: instances, targetTags: spec.targetTags }, { providers: [provider] });
    }
    return {
        environment: spec.name,
        region: spec.region,
        accountId: spec.accountId,
        windowId: env.windowId,
        documentName: env.documentName,
        instanceRoleName: env.instanceRoleName,
        instanceProfileName: env.instanceProfileName,
        taskRoleArn: env.taskRoleArn,
        targetTags: env.targetTags,
        alertTopicArn: env.alertTopicArn,
        lifecycleFunctionName: env.lifecycleFunctionName,
        enrolledInstances: instances,
    };
}

/** The whole program of a stack: its config read and validated, then its environment built. */
export function defineStackFromConfig(stack: string = pulumi.getStack(), dir: string = STACK_CONFIG_DIR): StackOutputs {
    const config = new pulumi.Config(CONFIG_NAMESPACE);
    const spec = loadStackEnvironment(stack, config, dir);
    // The manifest's own values win; unset ones take what the driver sized, else the component's fallback.
    const sized = loadStackRateControl(config);
    const rated = { ...spec, maxConcurrency: spec.maxConcurrency ?? sized.maxConcurrency, maxErrors: spec.maxErrors ?? sized.maxErrors };
    return defineEnvironment(rated, pulumi.getProject(), loadStackInstances(config));
}

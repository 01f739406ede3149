import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { renderDocument, taskParameters, type DocumentContext } from "./document";
import { childName } from "./naming";

export interface VssSnapshotDocumentArgs {
    /** Environment, fleet, engine, VSS options and extra tags: everything the content depends on. */
    readonly context: DocumentContext;
    /** Tags for the document. */
    readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/** The environment's SSM Command document (schema 2.2, Windows only), written by its engine's builder. */
export class VssSnapshotDocument extends pulumi.ComponentResource {
    public readonly document: aws.ssm.Document;
    /** The document version this deployment created; the window task pins it. */
    public readonly latestVersion: pulumi.Output<string>;
    /** The parameters the window's task passes this document on every run (taskParameters). */
    public readonly taskParameters: Readonly<Record<string, readonly string[]>>;

    constructor(name: string, args: VssSnapshotDocumentArgs, opts?: pulumi.ComponentResourceOptions) {
        super("vss-fleet:ssm:VssSnapshotDocument", name, {}, opts);
        this.document = new aws.ssm.Document(
            childName(name, "document"),
            {
                documentType: "Command",
                documentFormat: "JSON",
                targetType: "/AWS::EC2::Instance",
                content: renderDocument(args.context),
                // No `permissions`: the document stays private to the account.
                tags: args.tags,
            },
            { parent: this },
        );
        this.latestVersion = this.document.latestVersion;
        this.taskParameters = taskParameters(args.context);
        this.registerOutputs({ documentName: this.document.name, latestVersion: this.latestVersion });
    }
}

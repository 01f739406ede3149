/**
 * The bare-Node floor the CLI is measured against: a plain script that reads the same files and does
 * the least work the command's answer needs. `floor.js` alone starts Node and exits; `validate M`
 * parses the manifest; `plan M INV...` matches each Windows instance to the environment whose target
 * tags it carries, within the environment's account, region and scope tags; `verify M INV VOL SNAP`
 * also groups the snapshots into runs per instance and finds each instance's newest run.
 * No validation, no Pulumi, no policies: what is left is reading and matching.
 */
"use strict";
const fs = require("fs");

function environments(manifestFile) {
    const doc = require("yaml").parse(fs.readFileSync(manifestFile, "utf8"));
    return Object.entries(doc.environments).map(([name, e]) => ({
        name,
        accountId: e.accountId,
        region: e.region,
        targetTags: e.targetTags ?? { "VSS-Snapshot": name },
        scopeTags: (e.scope && e.scope.tags) || {},
    }));
}

const regionOf = (zone) => zone.replace(/[a-z]$/, "");
const matches = (tags, wanted) => Object.entries(wanted).every(([k, v]) => tags[k] === v);

function instances(files) {
    const out = [];
    for (const file of files) {
        for (const reservation of JSON.parse(fs.readFileSync(file, "utf8")).Reservations) {
            for (const i of reservation.Instances) {
                const tags = {};
                for (const t of i.Tags || []) tags[t.Key] = t.Value;
                out.push({
                    id: i.InstanceId,
                    accountId: reservation.OwnerId,
                    region: regionOf(i.Placement.AvailabilityZone),
                    windows: i.Platform === "windows",
                    tags,
                });
            }
        }
    }
    return out;
}

/** Enrolled and unenrolled counts per environment; environments indexed by account/region. */
function match(envs, list) {
    const byPlace = new Map();
    for (const env of envs) {
        env.enrolled = 0;
        env.unenrolled = 0;
        const key = `${env.accountId}/${env.region}`;
        byPlace.set(key, [...(byPlace.get(key) || []), env]);
    }
    const enrolledIn = new Map();
    for (const i of list) {
        if (!i.windows) continue;
        for (const env of byPlace.get(`${i.accountId}/${i.region}`) || []) {
            if (!matches(i.tags, env.scopeTags)) continue;
            if (matches(i.tags, env.targetTags)) {
                env.enrolled++;
                enrolledIn.set(i.id, env.name);
            } else {
                env.unenrolled++;
            }
        }
    }
    return enrolledIn;
}

function verify(enrolledIn, volumesFile, snapshotsFile) {
    const instanceOf = new Map();
    for (const v of JSON.parse(fs.readFileSync(volumesFile, "utf8")).Volumes) {
        for (const a of v.Attachments) instanceOf.set(v.VolumeId, a.InstanceId);
    }
    const runs = new Map();
    for (const s of JSON.parse(fs.readFileSync(snapshotsFile, "utf8")).Snapshots) {
        const tags = {};
        for (const t of s.Tags || []) tags[t.Key] = t.Value;
        const instance = instanceOf.get(s.VolumeId);
        if (!instance || enrolledIn.get(instance) !== tags["vss-fleet:environment"]) continue;
        const key = `${instance}\u0000${tags.AwsVssConfig}`;
        const run = runs.get(key) || { instance, start: s.StartTime, count: 0 };
        run.count++;
        runs.set(key, run);
    }
    const newest = new Map();
    for (const run of runs.values()) {
        if (run.start > (newest.get(run.instance) || "")) newest.set(run.instance, run.start);
    }
    return newest.size;
}

const [mode, manifest, ...files] = process.argv.slice(2);
if (mode === "validate") {
    console.log(environments(manifest).length);
} else if (mode === "plan") {
    const envs = environments(manifest);
    match(envs, instances(files));
    console.log(envs.map((e) => `${e.name} ${e.enrolled} ${e.unenrolled}`).join("\n"));
} else if (mode === "verify") {
    const [inventory, volumes, snapshots] = files;
    console.log(verify(match(environments(manifest), instances([inventory])), volumes, snapshots));
}

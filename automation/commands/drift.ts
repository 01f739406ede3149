/** `vss-fleet drift`: refresh, then a preview that expects no changes; exit 3 when the cloud drifted. */
import { stackOperation } from "./stackOperation";

export default stackOperation("drift", "Refresh, then preview expecting no changes: exit 3 when the cloud has drifted.", [
    "vss-fleet drift fleet.yaml",
    "vss-fleet drift fleet.yaml --json",
]);

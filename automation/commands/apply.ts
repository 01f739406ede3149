/** `vss-fleet apply`: `pulumi up` on each environment's stack, with the policy pack attached. */
import { stackOperation } from "./stackOperation";

export default stackOperation("apply", "Update every environment's stack (pulumi up) with the policy pack attached.", [
    "vss-fleet apply fleet.yaml --parallel 2",
    "vss-fleet apply fleet.yaml --env dev --fail-fast --json",
]);

/** `vss-fleet preview`: what each environment's stack would change, with the policy pack attached. */
import { stackOperation } from "./stackOperation";

export default stackOperation("preview", "Preview every environment's stack with the policy pack attached.", [
    "vss-fleet preview fleet.yaml",
    "vss-fleet preview fleet.yaml --env prod --format markdown > preview.md",
]);

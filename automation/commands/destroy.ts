/** `vss-fleet destroy`: remove the environments' stacks; refuses without --yes and names them first. */
import { stackOperation } from "./stackOperation";

export default stackOperation("destroy", "Destroy the environments' stacks (needs --yes, and names them first).", [
    "vss-fleet destroy fleet.yaml --env dev",
    "vss-fleet destroy fleet.yaml --env dev --yes",
]);

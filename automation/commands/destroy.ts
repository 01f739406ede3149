/** `vss-fleet destroy`: remove the environments' stacks; asks on a terminal, needs --yes elsewhere. */
import { stackOperation } from "./stackOperation";

export default stackOperation(
    "destroy",
    "Destroy the environments' stacks: on a terminal, shows each one's destroy preview and asks; elsewhere needs --yes.",
    ["vss-fleet destroy fleet.yaml --env dev", "vss-fleet destroy fleet.yaml --env dev --yes"],
);

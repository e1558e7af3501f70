/** The Overview's figures of a segment act on its customers (the segment
 * action): the bolt next to an engagement quadrant or the churn list. */
import { patch } from "@web/core/utils/patch";
import { useService } from "@web/core/utils/hooks";
import { IdicOverviewSection } from "./overview_section";

patch(IdicOverviewSection.prototype, {
    setup() {
        super.setup(...arguments);
        this.actionService = useService("action");
    },

    act(item) {
        this.actionService.doAction(item.act_action);
    },
});

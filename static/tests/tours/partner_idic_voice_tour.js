import { registry } from "@web/core/registry";

// A customer answers the recommendation survey through its personal link.
registry.category("web_tour.tours").add("partner_idic_voice_answer", {
    steps: () => [
        {
            content: "Start the survey",
            trigger: "button.btn-primary:contains('Start')",
            run: "click",
        },
        {
            content: "Score 9",
            trigger: "div[data-question-type='scale'] label[for$='_9']",
            run: "click",
        },
        {
            content: "Say why",
            trigger: "textarea.o_survey_question_text_box",
            run: "edit Quick and friendly",
        },
        {
            content: "Submit",
            trigger: "button[value='finish']",
            run: "click",
        },
        {
            content: "Confirm",
            trigger: ".modal button:contains('Submit')",
            run: "click",
        },
        {
            content: "Thanked",
            trigger: ".o_survey_finished:contains('Thank you for your answer')",
        },
    ],
});

// A relationship user records a complaint, starts it and resolves it.
registry.category("web_tour.tours").add("partner_idic_feedback", {
    url: "/odoo/action-partner_idic.idic_interaction_action_feedback",
    steps: () => [
        {
            content: "The stages as columns",
            trigger: ".o_kanban_renderer .o_kanban_group:contains('In Progress')",
        },
        {
            content: "New complaint",
            trigger: ".o-kanban-button-new",
            run: "click",
        },
        {
            content: "What it is about",
            trigger: ".o_field_widget[name='subject'] input",
            run: "edit Parcel arrived broken",
        },
        {
            content: "Who complains",
            trigger: ".o_field_widget[name='partner_id'] input",
            run: "edit Tour Complaining Co",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains('Tour Complaining Co')",
            run: "click",
        },
        {
            content: "Save",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Its deadline on the working calendar",
            trigger: ".o_form_saved .o_field_widget[name='feedback_deadline']:not(:empty)",
        },
        {
            content: "Take it up",
            trigger: "button[name='action_feedback_start']",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name='feedback_stage'] button.o_arrow_button_current:contains('In Progress')",
        },
        {
            content: "How it was resolved",
            trigger: ".o_field_html[name='resolution'] .odoo-editor-editable",
            run: "editor Sent a new parcel",
        },
        {
            content: "Resolve",
            trigger: "button[name='action_feedback_resolve']",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name='feedback_stage'] button.o_arrow_button_current:contains('Resolved')",
        },
    ],
});

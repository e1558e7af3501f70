import { registry } from "@web/core/registry";

const NAME = "IDIC Tour Assessment";
// Per section (Identify, Differentiate, Interact, Customize): the level
// given to each of its three statements.
const LEVELS = ["Managed", "Ad hoc", "Defined", "Optimising"];
const SECTIONS = ["Identify", "Differentiate", "Interact", "Customize"];

function answerPage(section, level, last) {
    const steps = [
        {
            content: `Section ${section}`,
            trigger: `h2.o_survey_title:contains('${section}')`,
        },
    ];
    steps.push(...[0, 1, 2].map((index) => ({
        content: `Answer statement ${index + 1}: ${level}`,
        trigger: `div.js_question-wrapper:eq(${index}) label:contains('${level}')`,
        run: "click",
    })));
    steps.push({
        content: last ? "Submit the survey" : "Next section",
        trigger: last ? 'button[value="finish"]' : 'button[value="next"]',
        run: "click",
    });
    return steps;
}

registry.category("web_tour.tours").add("partner_idic_assessment", {
    url: "/odoo/action-partner_idic.idic_assessment_action",
    steps: () => [
        {
            content: "Start a new assessment",
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            content: "Name it",
            trigger: ".o_field_widget[name='name'] input",
            run: `edit ${NAME}`,
        },
        {
            content: "Invite myself",
            trigger: ".o_field_widget[name='participant_ids'] input",
            run: "edit Tour Assessment Manager",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains('Tour Assessment Manager')",
            run: "click",
        },
        {
            content: "Choose the framework",
            trigger: ".o_field_widget[name='framework'] .o_select_menu_toggler",
            run: "click",
        },
        {
            content: "IDIC",
            trigger: ".o_select_menu_item:contains('IDIC')",
            run: "click",
        },
        {
            // The framework's onchange has answered: its survey is chosen.
            content: "The IDIC survey is chosen",
            trigger: ".o_field_widget[name='survey_id'] input:value('IDIC Self-Assessment')",
        },
        {
            content: "Save",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Send the invitations",
            trigger: ".o_form_saved button[name='action_invite']",
            run: "click",
        },
        {
            content: "Answer the survey",
            trigger: "button[name='action_answer']",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Start the survey",
            trigger: "button.btn-primary:contains('Start')",
            run: "click",
        },
        ...LEVELS.flatMap((level, index) =>
            answerPage(SECTIONS[index], level, index === LEVELS.length - 1)
        ),
        {
            content: "Confirm",
            trigger: ".modal-footer button.btn-primary",
            run: "click",
        },
        {
            content: "Back to the assessments",
            trigger: ".o_survey_finished",
            run() {
                window.location.href = "/odoo/action-partner_idic.idic_assessment_action";
            },
            expectUnloadPage: true,
        },
        {
            content: "Open the assessment",
            trigger: `.o_data_row:contains('${NAME}') td[name='name']`,
            run: "click",
        },
        {
            content: "Close it",
            trigger: "button[name='action_close']",
            run: "click",
        },
        {
            content: "Confirm closing",
            trigger: ".modal-footer button.btn-primary",
            run: "click",
        },
        {
            content: "The assessment is closed: open its area scores",
            trigger: ".o_notebook .nav-link:contains('Area Scores')",
            run: "click",
        },
        {
            content: "Differentiate scores 0 %",
            trigger: ".o_field_widget[name='area_ids'] .o_data_row:contains('Differentiate')",
        },
        {
            content: "Customize scores 100 %",
            trigger: ".o_field_widget[name='area_ids'] .o_data_row:contains('Customize'):contains('100')",
        },
        {
            content: "The area scores are drawn",
            trigger: "canvas.o_idic_assessment_radar",
        },
        {
            content: "Open the improvement actions",
            trigger: ".o_notebook .nav-link:contains('Improvement Actions')",
            run: "click",
        },
        {
            content: "The weakest area is proposed",
            trigger: ".o_field_widget[name='action_ids'] .o_data_row:contains('Improve Differentiate')",
        },
    ],
});

// Every form works without this file. After a refused submission it moves focus to
// the error summary, so keyboard and screen-reader users hear what went wrong first.
const summary = document.querySelector("[data-error-summary]");
if (summary) summary.focus();

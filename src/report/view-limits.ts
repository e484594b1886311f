// How much of a long list the views show: commands may build only that much (a 40 000-scope
// table is not built for a view that shows 200 rows; see ReportSection.lineCount). Its own
// module, so a renderer reads it without loading report.ts.

/** Lines of one section a renderer shows at most. */
export const SECTION_LINES_SHOWN = 200;

/** HTTP exchanges the Markdown report shows in full at most. */
export const REPORT_EXCHANGES_SHOWN = 60;

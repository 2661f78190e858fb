use super::{RenderOptions, Report};
pub fn render(report: &Report, _o: RenderOptions) -> String {
    report.summary_line()
}

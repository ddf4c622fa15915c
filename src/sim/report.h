#pragma once
// The simulation's reports: report.json (every figure of SimulationResult, for scripts and
// the examples' ctest), report.html (self-contained: inline SVG charts, no script, nothing
// fetched — claimed vs limit with the 70 % line, throttles over time, top consumers) and
// the terminal summary table.
//
// Output depends only on its inputs (no clock, no addresses), so the same simulation gives
// byte-identical files.
//
// Who calls it: the `simulate` command and tests. Any thread.

#include <string>

#include "base/status.h"
#include "sim/simulation.h"
#include "sim/timeline.h"

namespace hr::sim {

// report.json's text.
std::string ReportJson(const SimulationResult& result);
// report.html's text.
std::string ReportHtml(const SimulationResult& result, const TimelineChart& chart, const std::string& title);
// The summary table printed after a run.
std::string SummaryTable(const SimulationResult& result);

// Writes `text` to `path`. Errors: kInternal "cannot write <path>: ...".
Status WriteFile(const std::string& path, const std::string& text);

}  // namespace hr::sim

#pragma once
// ApplyLiveState: "what if" on a live setup. Takes a running server's configuration — the
// JSON of GET /_headroom/state, fetched from the server or saved to a file — and makes it
// the workload's starting point: the account's limit and unreserved minimum, and every
// function with its reserved concurrency and provisioned concurrency per qualifier. The
// workload file then only adds traffic: a function it declares that is live keeps the
// file's durations and traffic but takes the live RC and PC; a live function the file does
// not mention is created idle (it still holds its allocation); a function only in the file
// is added as declared.
//
// The account used is the one whose id and Region match the workload's `account:` (when
// the file names one: Workload::account_named), else the dump's only account. Errors: kInvalidParameter when the
// JSON does not parse or has no such account (the message lists the accounts present).
//
// Who calls it: the `simulate --from` command, tests. Pure (no I/O): the caller fetches.

#include <string_view>

#include "base/status.h"
#include "sim/workload.h"

namespace hr::sim {

Status ApplyLiveState(std::string_view state_json, Workload& workload);

}  // namespace hr::sim

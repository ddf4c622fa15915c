#pragma once
// AccountFunctionsJson: one account's functions as GET /_headroom/state lists them — the
// configuration `headroom simulate --from` starts from (src/sim/live_state.h reads it):
//   [{"name":"A","reserved":400|null,"memory_size":128,"timeout":3,
//     "provisioned":[{"qualifier":"live","requested":100,"allocated":100,"status":"READY"}]}]
// in ListFunctions order.
//
// Who calls it: Server::HandleAdmin, under the account's serialisation.

#include <string>

#include "engine/account.h"

namespace hr::server {

std::string AccountFunctionsJson(const engine::Account& account);

}  // namespace hr::server

#include "sync/protocol.h"

namespace anpr::sync {

int DefaultDepotPort() { return 8443; }

}  // namespace anpr::sync

// Debian's FAISS 1.7.3 predates faiss::idx_t, which faiss-node's source uses.
#include <faiss/Index.h>
namespace faiss { using idx_t = Index::idx_t; }
#include <vector>

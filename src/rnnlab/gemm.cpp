// float32 matrix products in one fixed order of operations, the same bytes on every x86-64 CPU with AVX2 and
// FMA: each output element is one chain of fused multiply-adds over k = 0, 1, ..., K - 1, whatever the shape,
// the tiling or the number of threads (threads split the rows, never a sum). Registered as torch's CPU kernels
// of aten::mm and aten::addmm for float32; other types and layouts go on to torch's own kernels.
#include <ATen/ATen.h>
#include <ATen/CPUFunctions.h>
#include <ATen/Parallel.h>
#include <immintrin.h>
#include <torch/library.h>

#include <algorithm>
#include <cstring>
#include <vector>

namespace {

constexpr int64_t MR = 6;    // rows of the micro-kernel's tile
constexpr int64_t NR = 16;   // columns: two AVX2 registers
constexpr int64_t KC = 256;  // k per packed block: a panel of B (16 KB) stays in L1, a block of A in L2
constexpr int64_t MAX_BLOCK_TILES = 8;  // row tiles that share each panel of B (a block of A: 48 KB)

struct Strided {
    const float* data;
    int64_t row, col;  // strides
    float at(int64_t i, int64_t j) const { return data[i * row + j * col]; }
};

// B[k0:k0+kc, :] as panels of NR columns, each kc rows of NR floats, zero past column N.
void pack_b(const Strided& b, int64_t k0, int64_t kc, int64_t n, float* packed) {
    const int64_t panels = (n + NR - 1) / NR;
    at::parallel_for(0, panels, 1, [&](int64_t first, int64_t last) {
        for (int64_t p = first; p < last; ++p) {
            float* out = packed + p * kc * NR;
            const int64_t j0 = p * NR, width = std::min(NR, n - j0);
            if (width < NR) std::memset(out, 0, sizeof(float) * kc * NR);
            if (b.col == 1) {
                for (int64_t k = 0; k < kc; ++k) std::memcpy(out + k * NR, b.data + (k0 + k) * b.row + j0, sizeof(float) * width);
            } else {
                for (int64_t c = 0; c < width; ++c)
                    for (int64_t k = 0; k < kc; ++k) out[k * NR + c] = b.at(k0 + k, j0 + c);
            }
        }
    });
}

// A[i0:i0+MR, k0:k0+kc] as kc columns of MR floats, zero past row M.
void pack_a(const Strided& a, int64_t i0, int64_t rows, int64_t k0, int64_t kc, float* packed) {
    if (rows < MR) std::memset(packed, 0, sizeof(float) * kc * MR);
    if (a.col == 1) {
        for (int64_t r = 0; r < rows; ++r)
            for (int64_t k = 0; k < kc; ++k) packed[k * MR + r] = a.at(i0 + r, k0 + k);
    } else {
        for (int64_t k = 0; k < kc; ++k)
            for (int64_t r = 0; r < rows; ++r) packed[k * MR + r] = a.at(i0 + r, k0 + k);
    }
}

// c[MR][NR] (row stride ldc) = (start ? c : 0) + the sum over the kc columns, one fma chain per element.
void micro_kernel(int64_t kc, const float* a, const float* b, float* c, int64_t ldc, bool start) {
    __m256 sum[MR][2];
    for (int r = 0; r < MR; ++r) {
        sum[r][0] = start ? _mm256_loadu_ps(c + r * ldc) : _mm256_setzero_ps();
        sum[r][1] = start ? _mm256_loadu_ps(c + r * ldc + 8) : _mm256_setzero_ps();
    }
    for (int64_t k = 0; k < kc; ++k) {
        const __m256 b0 = _mm256_loadu_ps(b + k * NR), b1 = _mm256_loadu_ps(b + k * NR + 8);
        for (int r = 0; r < MR; ++r) {
            const __m256 ar = _mm256_broadcast_ss(a + k * MR + r);
            sum[r][0] = _mm256_fmadd_ps(ar, b0, sum[r][0]);
            sum[r][1] = _mm256_fmadd_ps(ar, b1, sum[r][1]);
        }
    }
    for (int r = 0; r < MR; ++r) {
        _mm256_storeu_ps(c + r * ldc, sum[r][0]);
        _mm256_storeu_ps(c + r * ldc + 8, sum[r][1]);
    }
}

// out (M x N, contiguous) = a (M x K) b (K x N).
void gemm(const Strided& a, const Strided& b, float* out, int64_t m, int64_t n, int64_t k) {
    if (k == 0) {
        std::fill(out, out + m * n, 0.0f);
        return;
    }
    const int64_t panels = (n + NR - 1) / NR, row_tiles = (m + MR - 1) / MR;
    // Row tiles in blocks, a whole number of blocks a thread: each panel of B is used for every tile of a block
    // while it is in L1. How the rows are split changes no element's arithmetic.
    const int64_t threads = at::get_num_threads();
    const int64_t blocks = threads * ((row_tiles + threads * MAX_BLOCK_TILES - 1) / (threads * MAX_BLOCK_TILES));
    const int64_t block_tiles = (row_tiles + blocks - 1) / blocks;
    std::vector<float> packed_b(std::min(k, KC) * panels * NR);
    for (int64_t k0 = 0; k0 < k; k0 += KC) {
        const int64_t kc = std::min(KC, k - k0);
        pack_b(b, k0, kc, n, packed_b.data());
        at::parallel_for(0, blocks, 1, [&](int64_t first, int64_t last) {
            std::vector<float> packed_a(block_tiles * kc * MR);
            alignas(32) float tile[MR * NR] = {};  // for tiles cut by the edge; rows past M stay finite
            for (int64_t block = first; block < last; ++block) {
                const int64_t t0 = block * block_tiles, t1 = std::min(row_tiles, t0 + block_tiles);
                for (int64_t t = t0; t < t1; ++t)
                    pack_a(a, t * MR, std::min(MR, m - t * MR), k0, kc, packed_a.data() + (t - t0) * kc * MR);
                for (int64_t p = 0; p < panels; ++p) {
                    const int64_t j0 = p * NR, width = std::min(NR, n - j0);
                    const float* panel = packed_b.data() + p * kc * NR;
                    for (int64_t t = t0; t < t1; ++t) {
                        const int64_t i0 = t * MR, rows = std::min(MR, m - i0);
                        const float* a_tile = packed_a.data() + (t - t0) * kc * MR;
                        float* c = out + i0 * n + j0;
                        if (rows == MR && width == NR) {
                            micro_kernel(kc, a_tile, panel, c, n, k0 > 0);
                            continue;
                        }
                        if (k0 > 0)
                            for (int64_t r = 0; r < rows; ++r) std::memcpy(tile + r * NR, c + r * n, sizeof(float) * width);
                        micro_kernel(kc, a_tile, panel, tile, NR, k0 > 0);
                        for (int64_t r = 0; r < rows; ++r) std::memcpy(c + r * n, tile + r * NR, sizeof(float) * width);
                    }
                }
            }
        });
    }
}

bool ours(const at::Tensor& a, const at::Tensor& b) {
    for (const auto* t : {&a, &b})
        if (t->scalar_type() != at::kFloat || t->dim() != 2 || t->layout() != at::kStrided || t->is_conj() || t->is_neg())
            return false;
    return a.size(1) == b.size(0);
}

at::Tensor product(const at::Tensor& a, const at::Tensor& b) {
    const int64_t m = a.size(0), k = a.size(1), n = b.size(1);
    auto out = at::empty({m, n}, a.options().memory_format(at::MemoryFormat::Contiguous));
    if (m > 0 && n > 0)
        gemm({a.const_data_ptr<float>(), a.stride(0), a.stride(1)}, {b.const_data_ptr<float>(), b.stride(0), b.stride(1)},
             out.data_ptr<float>(), m, n, k);
    return out;
}

at::Tensor mm(const at::Tensor& self, const at::Tensor& mat2) {
    if (!ours(self, mat2)) return at::cpu::mm(self, mat2);
    return product(self, mat2);
}

// beta * self + alpha * (mat1 mat2): the product rounded first, as mm gives it; beta = 0 ignores self.
at::Tensor addmm(const at::Tensor& self, const at::Tensor& mat1, const at::Tensor& mat2, const at::Scalar& beta,
                 const at::Scalar& alpha) {
    if (!ours(mat1, mat2) || self.scalar_type() != at::kFloat) return at::cpu::addmm(self, mat1, mat2, beta, alpha);
    auto out = product(mat1, mat2);
    if (alpha.toDouble() != 1.0) out.mul_(alpha);
    if (beta.toDouble() != 0.0) out.add_(self, beta);
    return out;
}

}  // namespace

TORCH_LIBRARY_IMPL(aten, CPU, m) {
    m.impl("mm", &mm);
    m.impl("addmm", &addmm);
}

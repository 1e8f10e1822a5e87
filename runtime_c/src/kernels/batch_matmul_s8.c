/* Reference BATCH_MATMUL int8 (TFLite reference_ops::BatchMatMul<int8_t, int32_t> as TFLM calls
 * it): out[..., m, n] = requant(sum_k (lhs[..., m, k] + lhs_offset) * (rhs[..., k, n] +
 * rhs_offset)) + output_offset, batch dimensions broadcast. */
#include "kernels.h"
#include "quant.h"

#if PYRT_BUILD_REF(batch_matmul_s8)
/* offset of batch (b0, b1, b2) of a matrix stack with dims da (broadcast dims of size 1) */
static int32_t batch_off(const int32_t *da, int b0, int b1, int b2) {
  return (((da[0] > 1 ? b0 : 0) * da[1] + (da[1] > 1 ? b1 : 0)) * da[2] + (da[2] > 1 ? b2 : 0)) *
         da[3] * da[4];
}

void PYRT_K(batch_matmul_s8)(const pyrt_batch_matmul_desc *d, const int8_t *lhs,
                             const int8_t *rhs, int8_t *y) {
  const int32_t *dy = d->out;
  const int rows = dy[3], cols = dy[4], depth = d->adj_x ? d->lhs[3] : d->lhs[4];
  const int adj_x = d->adj_x, adj_y = d->adj_y;
  int b0, b1, b2, i, j, k;
  for (b0 = 0; b0 < dy[0]; ++b0) {
    for (b1 = 0; b1 < dy[1]; ++b1) {
      for (b2 = 0; b2 < dy[2]; ++b2) {
        const int8_t *ap = lhs + batch_off(d->lhs, b0, b1, b2);
        const int8_t *bp = rhs + batch_off(d->rhs, b0, b1, b2);
        int8_t *yp = y + ((b0 * dy[1] + b1) * dy[2] + b2) * rows * cols;
        for (i = 0; i < rows; ++i) {
          for (j = 0; j < cols; ++j) {
            uint32_t acc = 0;
            int32_t r;
            for (k = 0; k < depth; ++k) {
              const int32_t av = ap[adj_x ? k * rows + i : i * depth + k];
              const int32_t bv = bp[adj_y ? j * depth + k : k * cols + j];
              acc += (uint32_t)((av + d->lhs_offset) * (bv + d->rhs_offset));
            }
            r = pyrt_mbqm(pyrt_wrap32(acc), d->mult, d->shift);
            yp[i * cols + j] = (int8_t)pyrt_clamp(pyrt_add_wrap(r, d->output_offset), -128, 127);
          }
        }
      }
    }
  }
}
#endif

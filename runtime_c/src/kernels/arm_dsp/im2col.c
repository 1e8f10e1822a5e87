/* arm_dsp: im2col gathering and the im2col convolution shared by conv_s8 and conv_few_ch_s8. */
#include "im2col.h"

#if PYRT_SET_ARM_DSP
/* Window origin of output pixel p and its input plane. */
typedef struct {
  const int8_t *plane;
  int32_t iy0, ix0;
} origin;

static origin window_of(const pyrt_conv_desc *d, const int8_t *x, int32_t p) {
  const int32_t ohw = d->out.h * d->out.w;
  const int32_t n = p / ohw, oy = (p % ohw) / d->out.w, ox = p % d->out.w;
  origin r;
  r.plane = x + n * d->in.h * d->in.w * d->in.c;
  r.iy0 = oy * d->stride_h - d->pad_h;
  r.ix0 = ox * d->stride_w - d->pad_w;
  return r;
}

/* Input of tap (fy, fx) of window o at channel c0, or NULL outside the input. */
static inline const int8_t *tap(const pyrt_conv_desc *d, const origin *o, int32_t fy,
                                int32_t fx, int32_t c0) {
  const int32_t iy = o->iy0 + fy * d->dil_h, ix = o->ix0 + fx * d->dil_w;
  if (iy < 0 || iy >= d->in.h || ix < 0 || ix >= d->in.w) return (const int8_t *)0;
  return o->plane + (iy * d->in.w + ix) * d->in.c + c0;
}

/* Channels per tap a multiple of four: each tap's words go straight into the column blocks. */
static void gather_direct(const pyrt_conv_desc *d, const origin *o, int32_t c0, uint32_t *cols) {
  const int32_t fc = d->filt.c;
  const uint32_t zp = ((uint32_t)(uint8_t)(-d->input_offset)) * 0x01010101u;
  int32_t fy, fx, i, j;
  for (fy = 0; fy < d->filt.h; ++fy)
    for (fx = 0; fx < d->filt.w; ++fx) {
      const int8_t *t[4];
      for (j = 0; j < 4; ++j) t[j] = tap(d, &o[j], fy, fx, c0);
      for (i = 0; i < fc; i += 4) {
        pyrt_dsp_pack_block(t[0] ? pyrt_ld32(t[0] + i) : zp, t[1] ? pyrt_ld32(t[1] + i) : zp,
                            t[2] ? pyrt_ld32(t[2] + i) : zp, t[3] ? pyrt_ld32(t[3] + i) : zp,
                            cols);
        cols += 8;
      }
    }
}

static inline void copy_bytes(int8_t *dst, const int8_t *src, int32_t n) {
  int32_t i;
  for (i = 0; i + 4 <= n; i += 4) pyrt_st32(dst + i, pyrt_ld32(src + i));
  for (; i < n; ++i) dst[i] = src[i];
}

/* Any channel count: the int8 window of one pixel into `col`, then packed. A window inside the
 * input with one group and no horizontal dilation is a few contiguous rows of KW x C bytes. */
static void gather_bytes(const pyrt_conv_desc *d, const origin *o, int32_t c0, int8_t *col) {
  const int32_t fc = d->filt.c, fh = d->filt.h, fw = d->filt.w;
  const int8_t zp = (int8_t)(-d->input_offset);
  int32_t fy, fx, i;
  if (fc == d->in.c && d->dil_w == 1 && o->iy0 >= 0 && o->ix0 >= 0 &&
      o->iy0 + (fh - 1) * d->dil_h < d->in.h && o->ix0 + fw - 1 < d->in.w) {
    const int32_t run = fw * fc, row = d->in.w * fc * d->dil_h;
    const int8_t *src = o->plane + (o->iy0 * d->in.w + o->ix0) * fc;
    for (fy = 0; fy < fh; ++fy) {
      copy_bytes(col, src, run);
      col += run;
      src += row;
    }
    return;
  }
  for (fy = 0; fy < fh; ++fy)
    for (fx = 0; fx < d->filt.w; ++fx) {
      const int8_t *src = tap(d, o, fy, fx, c0);
      for (i = 0; i < fc; ++i) col[i] = src ? src[i] : zp;
      col += fc;
    }
}

void pyrt_dsp_conv_im2col(const pyrt_conv_desc *d, const int8_t *x, const int8_t *w,
                          const int32_t *kbias, int8_t *y, void *scratch) {
  const int32_t k = d->filt.h * d->filt.w * d->filt.c, kpad = (k + 3) & ~3;
  const int32_t groups = d->in.c / d->filt.c, per_group = d->out.c / groups;
  const int32_t n_pix = d->in.n * d->out.h * d->out.w, cout = d->out.c;
  const int direct = (d->filt.c & 3) == 0;
  int16_t *cols = (int16_t *)scratch;
  int8_t *bytes = (int8_t *)scratch + pyrt_dsp_cols_bytes(k);
  pyrt_dsp_mm_out mo;
  int32_t g, p, j;
  mo.q_step = 1;
  mo.out_off = d->output_offset;
  mo.act_min = d->act_min;
  mo.act_max = d->act_max;
  for (g = 0; g < groups; ++g) {
    const int32_t ch0 = g * per_group, c0 = g * d->filt.c;
    mo.kbias = kbias + ch0;
    mo.q.mult = d->q.mult + ch0;
    mo.q.shift = d->q.shift + ch0;
    for (p = 0; p < n_pix; p += 4) {
      origin o[4];
      int8_t *ys[4];
      for (j = 0; j < 4; ++j) { /* the last pixels of an uneven count repeat the last one */
        const int32_t q = p + j < n_pix ? p + j : n_pix - 1;
        o[j] = window_of(d, x, q);
        ys[j] = y + q * cout + ch0;
      }
      if (direct) {
        gather_direct(d, o, c0, (uint32_t *)(void *)cols);
      } else {
        for (j = 0; j < 4; ++j) gather_bytes(d, &o[j], c0, bytes + j * kpad);
        pyrt_dsp_pack_4cols(bytes, bytes + kpad, bytes + 2 * kpad, bytes + 3 * kpad, k, cols);
      }
      pyrt_dsp_mat_mult_4cols(cols, w + ch0 * k, k, per_group, &mo, ys);
    }
  }
}
#endif

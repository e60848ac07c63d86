"""DDIM (eta 0) and DPM-Solver++ 2M exactly as models/README.md defines them (float64 tables, float32 latents)."""
import math

import numpy as np
import torch


def alphas_cumprod(cfg):
    n = cfg["num_train_timesteps"]
    if cfg["beta_schedule"] == "scaled_linear":
        betas = np.linspace(math.sqrt(cfg["beta_start"]), math.sqrt(cfg["beta_end"]), n, dtype=np.float64) ** 2
    elif cfg["beta_schedule"] == "linear":
        betas = np.linspace(cfg["beta_start"], cfg["beta_end"], n, dtype=np.float64)
    else:
        raise ValueError(cfg["beta_schedule"])
    return np.cumprod(1.0 - betas)


class DDIM:
    name = "ddim"

    def __init__(self, cfg, steps):
        self.cfg = cfg
        self.ac = alphas_cumprod(cfg)
        self.n = steps
        self.ratio = cfg["num_train_timesteps"] // steps
        self.timesteps = [i * self.ratio + cfg["steps_offset"] for i in range(steps - 1, -1, -1)]
        self.final = 1.0 if cfg["set_alpha_to_one"] else float(self.ac[0])

    def step(self, i, x, eps):
        t = self.timesteps[i]
        prev = t - self.ratio
        a = float(self.ac[t])
        a_prev = float(self.ac[prev]) if prev >= 0 else self.final
        x0 = (x - math.sqrt(1.0 - a) * eps) / math.sqrt(a)
        return math.sqrt(a_prev) * x0 + math.sqrt(1.0 - a_prev) * eps


class DPMSolverPP2M:
    name = "dpmpp_2m"

    def __init__(self, cfg, steps):
        self.cfg = cfg
        self.ac = alphas_cumprod(cfg)
        self.n = steps
        t_max = cfg["num_train_timesteps"] - 1
        ts = np.round(np.linspace(0, t_max, steps + 1)).astype(np.int64)[::-1][:-1]
        self.timesteps = [int(t) for t in ts]
        sig = [math.sqrt((1.0 - self.ac[t]) / self.ac[t]) for t in self.timesteps] + [0.0]
        self.sigmas = sig
        self.prev_x0 = None

    @staticmethod
    def _alpha_sigma(sigma):
        alpha_t = 1.0 / math.sqrt(sigma * sigma + 1.0)
        return alpha_t, sigma * alpha_t

    def _lambda(self, sigma):
        a, s = self._alpha_sigma(sigma)
        return math.log(a) - math.log(s) if s > 0 else math.inf

    def step(self, i, x, eps):
        a_i, s_i = self._alpha_sigma(self.sigmas[i])
        x0 = (x - s_i * eps) / a_i
        if i == self.n - 1:
            self.prev_x0 = x0
            return x0
        a_n, s_n = self._alpha_sigma(self.sigmas[i + 1])
        h = self._lambda(self.sigmas[i + 1]) - self._lambda(self.sigmas[i])
        em1 = math.exp(-h) - 1.0
        if i == 0:
            out = (s_n / s_i) * x - a_n * em1 * x0
        else:
            h0 = self._lambda(self.sigmas[i]) - self._lambda(self.sigmas[i - 1])
            r = h0 / h
            d1 = (x0 - self.prev_x0) / r
            out = (s_n / s_i) * x - a_n * em1 * x0 - 0.5 * a_n * em1 * d1
        self.prev_x0 = x0
        return out


SCHEDULERS = {"ddim": DDIM, "dpmpp_2m": DPMSolverPP2M}


def make(name, cfg, steps):
    return SCHEDULERS[name](cfg, steps)


def sample(denoiser, scheduler, noise, conditioning, negative_conditioning, guidance):
    """Runs the sampling loop with classifier-free guidance, [uncond; cond] in one denoiser batch.

    Returns (final latent, list of the latent after each step)."""
    x = noise
    b = x.shape[0]
    ctx = torch.cat([negative_conditioning, conditioning], dim=0)
    trace = []
    for i, t in enumerate(scheduler.timesteps):
        ts = torch.full((2 * b,), float(t), dtype=torch.float32)
        out = denoiser(torch.cat([x, x], dim=0), ts, ctx)
        eps_u, eps_c = out[:b], out[b:]
        eps = eps_u + guidance * (eps_c - eps_u)
        x = scheduler.step(i, x, eps).to(torch.float32)
        trace.append(x)
    return x, trace

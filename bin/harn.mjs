#!/usr/bin/env node
import "../dist/harn.mjs";

# Models are added here by the IDIC, value, loyalty and membership features.

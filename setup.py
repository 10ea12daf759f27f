from setuptools import find_packages, setup

with open("README.md", encoding="utf-8") as handle:
    long_description = handle.read()

setup(
    name="swfkit",
    version="0.1.0",
    description="A minimal, layered, fast toolkit for Amazon Simple Workflow Service, with an embedded SWF-compatible server",
    long_description=long_description,
    long_description_content_type="text/markdown",
    python_requires=">=3.10",
    packages=find_packages(include=["swfkit", "swfkit.*"]),
    package_data={"swfkit": ["py.typed"]},
    install_requires=[
        "botocore>=1.31",
        "requests>=2.32.2",  # HTTPAdapter.get_connection_with_tls_context (layer1/transport.py)
    ],
    extras_require={
        # AsyncLayer1's HTTP (swfkit/layer1/async_transport.py says why aiohttp).
        "async": ["aiohttp>=3.9"],
        "test": [
            "aiohttp>=3.9",
            "pytest>=7",
            "responses>=0.23",
            "hypothesis>=6.80",
            "boto3>=1.28",
            "moto[server]>=5.0",
            "opentelemetry-api>=1.20",  # the tracing adapter (swfkit.actors.tracing) and its tests
            "opentelemetry-sdk>=1.20",
        ],
    },
    entry_points={"console_scripts": ["swfkit=swfkit.cli:main"],
                  "pytest11": ["swfkit.testing.plugin = swfkit.testing.plugin"]},
    classifiers=[
        "Programming Language :: Python :: 3",
        "Typing :: Typed",
    ],
)

namespace ClinicalAspire.Dashboard.Tests;
